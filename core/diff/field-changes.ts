import { formatPointer } from './json-pointer.js';

/** One field that differs between two versions of an object. Secret values appear only as markers. */
export type FieldChange =
  | { readonly kind: 'added'; readonly path: string; readonly after: unknown }
  | { readonly kind: 'removed'; readonly path: string; readonly before: unknown }
  | { readonly kind: 'changed'; readonly path: string; readonly before: unknown; readonly after: unknown };

/**
 * The fields that differ between `before` and `after`, as JSON pointers in key order. Maps are compared key by
 * key; lists of equal length item by item; lists of different lengths as a whole (an item inserted in the middle
 * would otherwise show as every later item changed).
 */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const changes: FieldChange[] = [];
  walk(before, after, [], changes);
  return changes;
}

function walk(before: unknown, after: unknown, path: (string | number)[], out: FieldChange[]): void {
  if (before === undefined && after === undefined) return;
  const pointer = formatPointer(path);
  if (before === undefined) return void out.push({ kind: 'added', path: pointer, after });
  if (after === undefined) return void out.push({ kind: 'removed', path: pointer, before });
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(before[key], after[key], [...path, key], out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((item, index) => walk(item, after[index], [...path, index], out));
    return;
  }
  if (!sameValue(before, after)) out.push({ kind: 'changed', path: pointer, before, after });
}

/** Deep equality of JSON values. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]));
  }
  return false;
}

/**
 * `value` cut down to the fields `shape` has: maps keep only `shape`'s keys, lists are cut item by item (items
 * beyond `shape`'s length are kept whole, so extra items still show as a difference).
 */
export function projectOnto(shape: unknown, value: unknown): unknown {
  if (isRecord(shape) && isRecord(value)) {
    return Object.fromEntries(Object.keys(shape).filter((key) => Object.hasOwn(value, key)).map((key) => [key, projectOnto(shape[key], value[key])]));
  }
  if (Array.isArray(shape) && Array.isArray(value)) return value.map((item: unknown, index) => (index < shape.length ? projectOnto(shape[index], item) : item));
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
