import { sha256Hex } from '../hash/sha256.js';
import type { KubeObject } from '../kube/object.js';
import { refKey, refOf } from '../kube/object.js';

/**
 * `sha256:<hex>` of a set of rendered objects, independent of their order and of key order within them: two
 * renders with the same digest apply the same thing.
 */
export function manifestDigest(objects: readonly KubeObject[]): string {
  const sorted = objects.map((obj) => ({ key: refKey(refOf(obj)), obj })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return `sha256:${sha256Hex(canonicalJson(sorted.map(({ obj }) => obj)))}`;
}

/** JSON with object keys sorted at every level, so equal values always serialize alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
