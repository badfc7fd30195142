import { sha256Hex } from '../hash/sha256.js';

/**
 * What stands in for a Secret value in a diff: equal values give equal markers and different values different
 * ones, so a diff shows *that* a value changed and never the value.
 *
 * The hash is salted: an unsalted hash of a short password could be reversed by trying candidates. The worker
 * passes a random salt per process, so markers only ever compare within one run.
 */
export function secretMarker(value: Uint8Array, salt: string): string {
  const saltBytes = new TextEncoder().encode(salt);
  const input = new Uint8Array(saltBytes.length + 1 + value.length);
  input.set(saltBytes);
  input.set(value, saltBytes.length + 1);
  return `(hidden sha256:${sha256Hex(input).slice(0, 16)})`;
}

/** The bytes a Secret's `data` value (base64) stands for; an invalid value is hashed as the text it is. */
function decodeBase64(value: string): Uint8Array {
  try {
    return Uint8Array.from(atob(value), (char) => char.charCodeAt(0));
  } catch {
    return new TextEncoder().encode(value);
  }
}

/**
 * Replaces the values of a Secret's `data` and `stringData` with markers, in place, merged into `data` as the
 * apiserver merges them (`stringData` wins), so a desired Secret written with `stringData` compares equal to the
 * live Secret holding the same bytes in `data`. Malformed values are masked too: nothing under either field ever
 * survives as written.
 */
export function maskSecretData(secret: Record<string, unknown>, salt: string): void {
  const masked: Record<string, string> = {};
  const utf8 = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value) ?? '');
  for (const [key, value] of entriesOf(secret['data'])) masked[key] = secretMarker(typeof value === 'string' ? decodeBase64(value) : utf8(value), salt);
  for (const [key, value] of entriesOf(secret['stringData'])) masked[key] = secretMarker(utf8(value), salt);
  delete secret['stringData'];
  if (Object.keys(masked).length > 0) secret['data'] = masked;
  else delete secret['data'];
}

/** The entries of a map; anything else present (a string, a list) becomes one entry, so it is masked, not kept. */
function entriesOf(value: unknown): [string, unknown][] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'object' && !Array.isArray(value)) return Object.entries(value);
  return [['(malformed)', value]];
}
