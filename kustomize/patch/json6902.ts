/**
 * JSON patch (RFC 6902) as kustomize applies it: with evanphx/json-patch v4 (gopkg.in/evanphx/json-patch.v4),
 * including that library's departures from the RFC, because the CLI's output follows them:
 * - negative array indices count from the end (`/args/-1`);
 * - `replace` of a missing object key adds it; `copy` from a missing object key writes null;
 * - an operation without `value` writes null;
 * - a path that does not start with `/` is read from the root all the same (`a/b` means `/b`).
 * Error messages are the library's, which is what `kustomize build` prints.
 */
import { JsonPatchError } from './errors.js';
import type { JsonPatchReason } from './errors.js';
import { cloneJson, isJsonObject, jsonEqual } from './json.js';
import type { JsonObject, JsonValue } from './json.js';

/** One operation. Fields are checked when applied, as the library does, so loosely parsed input is accepted. */
export interface JsonPatchOp {
  readonly op: string;
  readonly path?: string;
  readonly from?: string;
  readonly value?: JsonValue;
}

type Container = JsonObject | JsonValue[];

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';

/** A failure inside one operation, turned into a {@link JsonPatchError} with the operation's identity. */
class OpFailure extends Error {
  constructor(
    readonly reason: JsonPatchReason,
    message: string,
  ) {
    super(message);
  }
}

function decodeKey(key: string): string {
  return key.replace(/~[01]/g, (escape) => (escape === '~1' ? '/' : '~'));
}

/** Go's strconv.Atoi, with its error text. */
function atoi(key: string): number {
  if (!/^[+-]?[0-9]+$/.test(key)) {
    throw new OpFailure('invalid-index', `strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  }
  return Number.parseInt(key, 10);
}

function invalidIndex(index: number): OpFailure {
  return new OpFailure('invalid-index', `Unable to access invalid index: ${index}: ${INVALID_INDEX}`);
}

/** An index into `array` for reading or replacing, negative counting from the end. */
function existingIndex(array: JsonValue[], key: string): number {
  let index = atoi(key);
  if (index < 0) {
    if (index < -array.length) throw invalidIndex(index);
    index += array.length;
  }
  if (index >= array.length) throw invalidIndex(index);
  return index;
}

function get(container: Container, key: string): JsonValue | undefined {
  if (Array.isArray(container)) return container[existingIndex(container, key)];
  return Object.hasOwn(container, key) ? container[key] : undefined;
}

function add(container: Container, key: string, value: JsonValue): void {
  if (!Array.isArray(container)) {
    container[key] = value;
    return;
  }
  if (key === '-') {
    container.push(value);
    return;
  }
  let index: number;
  try {
    index = atoi(key);
  } catch (error) {
    throw new OpFailure('invalid-index', `value was not a proper array index: '${key}': ${(error as Error).message}`);
  }
  const size = container.length + 1;
  if (index >= size) throw invalidIndex(index);
  if (index < 0) {
    if (index < -size) throw invalidIndex(index);
    index += size;
  }
  container.splice(index, 0, value);
}

function remove(container: Container, key: string): void {
  if (!Array.isArray(container)) {
    if (!Object.hasOwn(container, key)) {
      throw new OpFailure('missing-key', `Unable to remove nonexistent key: ${key}: ${MISSING}`);
    }
    delete container[key];
    return;
  }
  let index = atoi(key);
  if (index >= container.length) throw invalidIndex(index);
  if (index < 0) {
    if (index < -container.length) throw invalidIndex(index);
    index += container.length;
  }
  container.splice(index, 1);
}

function set(container: Container, key: string, value: JsonValue): void {
  if (Array.isArray(container)) container[existingIndex(container, key)] = value;
  else container[key] = value;
}

/** The container holding the last segment of `path`, and that segment; undefined when the path leads nowhere. */
function findParent(document: Container, path: string): [Container, string] | undefined {
  const segments = path.split('/');
  if (segments.length < 2) return undefined;
  let current: Container = document;
  for (const part of segments.slice(1, -1)) {
    let next: JsonValue | undefined;
    try {
      next = get(current, decodeKey(part));
    } catch {
      return undefined;
    }
    if (next === undefined || next === null || typeof next !== 'object') return undefined;
    current = next;
  }
  return [current, decodeKey(segments[segments.length - 1] as string)];
}

/** Applies one operation to `document` in place, returning the (possibly replaced) document. */
function applyOne(document: Container, op: JsonPatchOp): Container {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  const hasPath = typeof op.path === 'string';
  const path = hasPath ? (op.path as string) : 'unknown';
  const value = op.value === undefined ? null : cloneJson(op.value);
  const missingPath = (verb: string, quoted: boolean) =>
    new OpFailure(
      'missing-path',
      `${verb} operation does not apply: doc is missing path: ${quoted ? `"${path}"` : path}: ${MISSING}`,
    );
  const noPath = (verb: string, detailed: boolean) =>
    new OpFailure(
      'missing-field',
      `${verb} operation failed to decode path: ${detailed ? 'operation missing path field: ' : ''}${MISSING}`,
    );
  const from = (verb: string): string => {
    if (typeof op.from !== 'string') {
      throw new OpFailure(
        'missing-field',
        `${verb} operation failed to decode from: operation, missing from field: ${MISSING}`,
      );
    }
    return op.from;
  };
  switch (kind) {
    case 'add': {
      if (!hasPath) throw noPath('add', false);
      const parent = findParent(document, path);
      if (parent === undefined) throw missingPath('add', true);
      wrap(`error in add for path: '${path}': `, () => add(parent[0], parent[1], value));
      return document;
    }
    case 'remove': {
      if (!hasPath) throw noPath('remove', false);
      const parent = findParent(document, path);
      if (parent === undefined) throw missingPath('remove', true);
      wrap(`error in remove for path: '${path}': `, () => remove(parent[0], parent[1]));
      return document;
    }
    case 'replace':
      return replace(document, hasPath, path, value, noPath, missingPath);
    case 'move': {
      const source = from('move');
      const sourceParent = findParent(document, source);
      if (sourceParent === undefined) {
        throw new OpFailure(
          'missing-path',
          `move operation does not apply: doc is missing from path: ${source}: ${MISSING}`,
        );
      }
      const [container, key] = sourceParent;
      const moved = wrap(`error in move for path: '${key}': `, () => get(container, key));
      wrap(`error in move for path: '${key}': `, () => remove(container, key));
      if (!hasPath) throw noPath('move', true);
      const target = findParent(document, path);
      if (target === undefined) {
        throw new OpFailure(
          'missing-path',
          `move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`,
        );
      }
      wrap(`error in move for path: '${path}': `, () => add(target[0], target[1], moved ?? null));
      return document;
    }
    case 'copy': {
      const source = from('copy');
      const sourceParent = findParent(document, source);
      if (sourceParent === undefined) {
        throw new OpFailure(
          'missing-path',
          `copy operation does not apply: doc is missing from path: ${source}: ${MISSING}`,
        );
      }
      const copied = wrap(`error in copy for from: '${source}': `, () => get(sourceParent[0], sourceParent[1]));
      if (!hasPath) throw noPath('copy', false);
      const target = findParent(document, path);
      if (target === undefined) {
        throw new OpFailure(
          'missing-path',
          `copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`,
        );
      }
      const copy = copied === undefined ? null : cloneJson(copied);
      wrap('error while adding value during copy: ', () => add(target[0], target[1], copy));
      return document;
    }
    case 'test':
      test(document, op, hasPath, path, noPath);
      return document;
    default:
      throw new OpFailure('unknown-op', `Unexpected kind: ${kind}`);
  }
}

function replace(
  document: Container,
  hasPath: boolean,
  path: string,
  value: JsonValue,
  noPath: (verb: string, detailed: boolean) => OpFailure,
  missingPath: (verb: string, quoted: boolean) => OpFailure,
): Container {
  if (!hasPath) throw noPath('replace', true);
  if (path === '') {
    if (value === null || typeof value !== 'object') {
      throw new OpFailure('invalid-value', 'replace operation value must be object or array: %!w(<nil>)');
    }
    return value;
  }
  const parent = findParent(document, path);
  if (parent === undefined) throw missingPath('replace', false);
  const [container, key] = parent;
  try {
    get(container, key);
  } catch {
    throw new OpFailure('missing-path', `replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
  }
  set(container, key, value);
  return document;
}

function test(
  document: Container,
  op: JsonPatchOp,
  hasPath: boolean,
  path: string,
  noPath: (verb: string, detailed: boolean) => OpFailure,
): void {
  if (!hasPath) throw noPath('test', true);
  const failed = () => new OpFailure('test-failed', `testing value ${path} failed: test failed`);
  const expected = op.value;
  if (path === '') {
    if (!jsonEqual(document, expected)) throw failed();
    return;
  }
  const parent = findParent(document, path);
  if (parent === undefined) {
    throw new OpFailure('missing-path', `test operation does not apply: is missing path: ${path}: ${MISSING}`);
  }
  const actual = wrap(`error in test for path: '${path}': `, () => get(parent[0], parent[1]));
  // The library cannot tell a missing key from a null one, nor a missing `value` from `value: null`.
  if (actual === undefined || actual === null) {
    if (expected === undefined || expected === null) return;
    throw failed();
  }
  if (expected === undefined || !jsonEqual(actual, expected)) throw failed();
}

function wrap<T>(prefix: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof OpFailure) throw new OpFailure(error.reason, prefix + error.message);
    throw error;
  }
}

/**
 * Applies JSON patch operations to an object, in order, as kustomize does.
 *
 * @param object the object to patch (not modified).
 * @param ops the operations.
 * @returns the patched object.
 * @throws JsonPatchError naming the failed operation's index, op and path, with the library's message.
 */
export function applyJson6902(object: JsonObject, ops: readonly JsonPatchOp[]): JsonObject {
  let document: Container = cloneJson(object);
  ops.forEach((op, index) => {
    try {
      document = applyOne(document, op);
    } catch (error) {
      if (!(error instanceof OpFailure)) throw error;
      const name = typeof op.op === 'string' ? op.op : 'unknown';
      throw new JsonPatchError(error.reason, index, name, String(op.path ?? ''), error.message);
    }
  });
  if (!isJsonObject(document)) {
    throw new JsonPatchError('invalid-value', ops.length - 1, 'replace', '', 'the patched document is not an object');
  }
  return document;
}
