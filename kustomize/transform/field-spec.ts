import { KustomizeFailure } from '../errors.js';
import type { Resource } from '../resource/resource.js';
import { parseGroupVersion } from '../resource/res-id.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../yaml/json-value.js';

/**
 * A field path with an optional group/version/kind filter: kustomize's FieldSpec. `path` is `/`-separated; a `\/`
 * inside a segment is a literal slash (annotation keys), and `name[]` marks a list.
 */
export interface FieldSpec {
  readonly group?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly path: string;
  readonly create?: boolean;
}

/** A place in an object that holds a value: reading it, replacing it. */
export interface Slot {
  get(): JsonValue | undefined;
  set(value: JsonValue): void;
}

/** What a missing field is created as, when the spec says `create: true`. */
export type CreateKind = 'scalar' | 'map';

/** Whether a spec's group/version/kind filter admits an object. */
export function fieldSpecMatches(spec: FieldSpec, resource: Resource): boolean {
  if (spec.kind && spec.kind !== resource.kind) return false;
  if (!spec.group && !spec.version) return true;
  const { group, version } = parseGroupVersion(resource.apiVersion);
  if (spec.group && spec.group !== group) return false;
  if (spec.version && spec.version !== version) return false;
  return true;
}

/**
 * Field-spec paths split before, by path. A render applies the same few dozen default specs to every object, and
 * splitting them again each time was most of what the transformers allocated.
 */
const splitPaths = new Map<string, readonly string[]>();

/** Splits a field-spec path on `/`, honouring `\/` escapes. */
export function splitFieldPath(path: string): readonly string[] {
  let parts = splitPaths.get(path);
  if (parts === undefined) {
    parts = path.includes('\\') ? splitEscaped(path) : path.split('/');
    // Custom specs (`configurations:`) add paths; a long-running worker keeps at most this many.
    if (splitPaths.size >= 4096) splitPaths.clear();
    splitPaths.set(path, parts);
  }
  return parts;
}

function splitEscaped(path: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === '\\' && path[i + 1] === '/') {
      current += '/';
      i++;
    } else if (c === '/') {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/**
 * Visits every value a field spec reaches in `resource` and calls `setValue` with its slot, the way kustomize's
 * fieldspec filter does: lists on the way are entered element by element, a missing field is created only when the
 * spec says `create` and the caller names a `createKind`, and a `null` field on the way is turned into an empty one.
 */
export function applyFieldSpec(
  resource: Resource,
  spec: FieldSpec,
  setValue: (slot: Slot) => void,
  createKind?: CreateKind,
): void {
  if (!fieldSpecMatches(spec, resource)) return;
  const path = splitFieldPath(spec.path);
  const root: Slot = {
    get: () => resource.obj,
    set: (value) => {
      if (isJsonObject(value)) resource.obj = value;
    },
  };
  try {
    walk(root, path, 0, spec.create === true, createKind, setValue);
  } catch (error) {
    if (error instanceof KustomizeFailure) {
      throw new KustomizeFailure(
        error.reason,
        `considering field '${spec.path}' of object ${resource.kind}/${resource.name}: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Walks `path` from its segment `at` on. */
function walk(
  slot: Slot,
  path: readonly string[],
  at: number,
  create: boolean,
  createKind: CreateKind | undefined,
  setValue: (slot: Slot) => void,
): void {
  if (at === path.length) {
    setValue(slot);
    return;
  }
  const node = slot.get();
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      walk(elementSlot(node, i), path, at, create, createKind, setValue);
    }
    return;
  }
  if (!isJsonObject(node)) throw new KustomizeFailure('transform-failed', 'expected sequence or mapping node');
  walkMap(node, path, at, create, createKind, setValue);
}

function walkMap(
  node: JsonObject,
  path: readonly string[],
  at: number,
  create: boolean,
  createKind: CreateKind | undefined,
  setValue: (slot: Slot) => void,
): void {
  const head = path[at] ?? '';
  const last = at + 1 === path.length;
  const isSeq = head.endsWith('[]');
  const field = isSeq ? head.slice(0, -2) : head;
  if (field === '') throw new KustomizeFailure('transform-failed', 'cannot set or create an empty field name');
  refuseElementSegment(field);
  let kind: 'scalar' | 'map' | 'seq' | undefined;
  if (!create || createKind === undefined || isSeq) {
    if (isSeq) kind = 'seq';
    if (!Object.hasOwn(node, field)) return;
  } else {
    kind = last ? createKind : 'map';
    if (!Object.hasOwn(node, field)) node[field] = kind === 'map' ? {} : '';
  }
  if (node[field] === null && kind !== undefined) {
    node[field] = kind === 'map' ? {} : kind === 'seq' ? [] : '';
  }
  walk(mapSlot(node, field), path, at + 1, create, createKind, setValue);
}

/** Go's strconv.Atoi: an optional sign and decimal digits, within int64. */
const GO_ATOI = /^[+-]?[0-9]+$/;
const INT64_LIMIT = 2n ** 63n;

/**
 * kyaml's Lookup reads a path segment that is not a plain field name as a step into a list: a decimal number (an
 * index), `-` (the last element), `[name=value]` (a match), or `*` (refused). A field spec only walks mappings there,
 * so kustomize fails on any of them; a `crds:` property whose name YAML reads as a number (`0x1F` → `31`) leads here.
 */
function refuseElementSegment(field: string): void {
  const fail = (message: string): never => {
    throw new KustomizeFailure('transform-failed', `fieldName: ${field}: ${message}`);
  };
  if (GO_ATOI.test(field)) {
    const index = BigInt(field);
    if (index >= -INT64_LIMIT && index < INT64_LIMIT) {
      if (index < 0n) fail(`array index ${index} cannot be negative`);
      fail('wrong node kind: expected SequenceNode but got MappingNode');
    }
  }
  if (field.startsWith('[') && field.endsWith(']') && !field.includes('=')) {
    fail('list path element must contain fieldName=fieldValue for element to match');
  }
  if (field === '-' || (field.startsWith('[') && field.endsWith(']'))) {
    fail('wrong node kind: expected SequenceNode but got MappingNode');
  }
  if (field === '*') fail('wildcard is not supported in PathGetter');
}

/** The slot of `obj[key]`. */
export function mapSlot(obj: JsonObject, key: string): Slot {
  return { get: () => obj[key], set: (value) => (obj[key] = value) };
}

/** The slot of `list[index]`. */
export function elementSlot(list: JsonValue[], index: number): Slot {
  return { get: () => list[index], set: (value) => (list[index] = value) };
}

/**
 * kustomize's `SetEntry(name, value)`: with a name, sets that key in the mapping the slot holds; without one,
 * replaces the scalar in the slot. Anything else is the error kustomize reports.
 */
export function setEntry(slot: Slot, name: string, value: JsonValue): void {
  const node = slot.get();
  if (name === '') {
    if (isJsonObject(node) || Array.isArray(node)) {
      throw new KustomizeFailure(
        'transform-failed',
        `wrong node kind: expected ScalarNode but got ${Array.isArray(node) ? 'SequenceNode' : 'MappingNode'}`,
      );
    }
    slot.set(value);
    return;
  }
  if (!isJsonObject(node)) {
    throw new KustomizeFailure(
      'transform-failed',
      `wrong node kind: expected MappingNode but got ${nodeKindName(node)}`,
    );
  }
  node[name] = value;
}

function nodeKindName(node: JsonValue | undefined): string {
  if (Array.isArray(node)) return 'SequenceNode';
  if (isJsonObject(node)) return 'MappingNode';
  return 'ScalarNode';
}
