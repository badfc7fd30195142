/**
 * The value model kustomize-ts works on: a YAML document resolved the way kustomize's go-yaml v3 reader resolves it
 * (plain `1` → number, `true` → boolean, `~` → null, timestamps → their RFC 3339 text), held as plain JSON values.
 * Key order carries no meaning: kustomize sorts keys on output.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

/** A mapping node. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Whether a value is a mapping (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy, so a transformer can change one resource without touching a shared base. */
export function cloneJson<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

/** Deep equality of two JSON values (key order ignored). */
export function jsonEquals(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEquals(item, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && jsonEquals(a[k], b[k]));
  }
  return false;
}
