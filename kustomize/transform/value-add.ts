import { posix } from 'node:path';
import { KustomizeFailure } from '../errors.js';
import type { SelectorSpec } from '../load/kustomization-schema.js';
import type { ResMap } from '../resource/res-map.js';
import { scalarText, type Resource } from '../resource/resource.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../yaml/json-value.js';
import { resolvePlainScalar } from '../yaml/resolve-scalar.js';
import { setResourceNamespace } from './namespace.js';
import { selectResources } from './patches.js';

/** One target of kustomize's ValueAddTransformer: which objects, which field, and where in a path the value goes. */
export interface ValueAddTarget {
  readonly selector?: SelectorSpec | null | undefined;
  readonly fieldPath: string;
  readonly filePathPosition: number;
}

/**
 * kustomize's ValueAddTransformer (alpha; api/internal/builtins/ValueAddTransformer.go and filters/valueadd): writes
 * `value` into `fieldPath` of every object a target selects (every object without a selector), creating the maps on
 * the way; with `filePathPosition` N > 0 the value is inserted as the N-th part of the path the field holds
 * (`/a/b` with N = 2 becomes `/a/<value>/b`). `metadata/namespace` is set as `namespace:` sets it (namespaced kinds
 * only, RoleBinding subjects named `default`). The value is written untagged, so it ends up as YAML reads it (`123`
 * becomes a number), as in kustomize. A map on the way that is null stops the target quietly, as in kustomize.
 */
export function transformValueAdd(map: ResMap, value: string, targets: readonly ValueAddTarget[]): void {
  for (const target of targets) {
    const resources = target.selector ? selectResources(map, target.selector) : map.resources;
    for (const resource of resources) {
      if (target.fieldPath === 'metadata/namespace') setResourceNamespace(resource, value);
      else addValue(resource, value, target);
    }
  }
}

/** The fields of a path: `/`-separated, a segment ending in `\` joined to the next one (`data/a\/b`). */
function fieldsOf(path: string): string[] {
  const fields: string[] = [];
  for (const part of path.split('/')) {
    const last = fields.at(-1);
    if (last !== undefined && last.endsWith('\\')) fields[fields.length - 1] = `${last.slice(0, -1)}/${part}`;
    else fields.push(part);
  }
  return fields;
}

function nodeKind(value: JsonValue): string {
  return Array.isArray(value) ? 'SequenceNode' : isJsonObject(value) ? 'MappingNode' : 'ScalarNode';
}

function wrongKind(expected: string, value: JsonValue): KustomizeFailure {
  return new KustomizeFailure(
    'transform-failed',
    `wrong node kind: expected ${expected} but got ${nodeKind(value)}: node contents:\n${JSON.stringify(value)}`,
  );
}

function addValue(resource: Resource, value: string, target: ValueAddTarget): void {
  const fields = fieldsOf(target.fieldPath);
  let node: JsonObject = resource.obj;
  for (const [i, field] of fields.entries()) {
    if (/^\[.*\]$/.test(field) || field === '-') {
      throw new KustomizeFailure(
        'not-supported',
        `ValueAddTransformer fieldPath '${target.fieldPath}' goes through list elements ('${field}'), which ` +
          'kustomize-ts does not support; use a replacement instead',
      );
    }
    const current = Object.hasOwn(node, field) ? node[field] : undefined;
    if (i < fields.length - 1) {
      if (current === null) return;
      if (current === undefined) {
        const created: JsonObject = {};
        node[field] = created;
        node = created;
      } else if (isJsonObject(current)) node = current;
      else throw wrongKind('MappingNode', current);
      continue;
    }
    if (current !== undefined && current !== null && typeof current === 'object')
      throw wrongKind('ScalarNode', current);
    const old = current === undefined ? '' : scalarText(current);
    const text = target.filePathPosition > 0 ? insertPathPart(old, target.filePathPosition - 1, value) : value;
    node[field] = resolvePlainScalar(text, 'go-yaml-v3').value;
  }
}

/** kyaml's filesys.PathSplit: `a/b` → [a, b], `/a` → ['', a] (a leading '' marks an absolute path). */
function pathSplit(path: string): string[] {
  if (path === '') return [];
  const slash = path.lastIndexOf('/');
  let dir = path.slice(0, slash + 1);
  const file = path.slice(slash + 1);
  if (dir === '/') return file === '' ? [''] : ['', file];
  if (dir.endsWith('/')) dir = dir.slice(0, -1);
  if (dir === '') return [file];
  return [...pathSplit(dir), file];
}

/** Go's filepath.Join: the non-empty parts joined and cleaned; empty when all are. */
function goJoin(parts: readonly string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  if (joined === '') return '';
  const clean = posix.normalize(joined);
  return clean.length > 1 && clean.endsWith('/') ? clean.slice(0, -1) : clean;
}

/** kyaml's filesys.InsertPathPart: `part` inserted at position `pos` of the path's parts (0 first, clamped). */
function insertPathPart(path: string, pos: number, part: string): string {
  if (part === '') return path;
  const parts = pathSplit(path);
  let at = Math.min(Math.max(pos, 0), parts.length);
  if (parts.length > 0 && parts[0] === '' && at < parts.length) at += 1;
  const result = [...parts.slice(0, at), part, ...parts.slice(at)];
  return result[0] === '' ? `/${goJoin(result.slice(1))}` : goJoin(result);
}
