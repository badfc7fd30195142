import { sha256Hex } from '../../../core/hash/sha256.js';
import { effectiveNamespace } from '../../resource/res-id.js';
import type { ResMap } from '../../resource/res-map.js';
import { BuildAnnotation, type Resource } from '../../resource/resource.js';
import { isJsonObject, type JsonValue } from '../../yaml/json-value.js';
import { formatNumberLikeKustomize } from '../../yaml/go-number.js';

/**
 * kustomize's HashTransformer: appends the content hash to every generated resource that wants one, recording the
 * unhashed name. A build runs it once at the end; a `transformers:` entry of kind HashTransformer runs it where it
 * stands too (and, as in kustomize, the resources keep wanting one, so they end up with two suffixes).
 */
export function addContentHashes(map: ResMap): void {
  for (const r of map.resources) {
    if (!r.isAnnotationEnabled(BuildAnnotation.needsHashSuffix)) continue;
    const hash = contentHash(r);
    r.storePreviousId(effectiveNamespace(r.curId()));
    r.setName(`${r.name}-${hash}`);
  }
}

/**
 * The name suffix kustomize appends to a generated ConfigMap or Secret: the first ten hex digits of the SHA-256 of a
 * JSON encoding of its kind, type and data, with `0 1 3 a e` replaced by `g h k m t` (so the suffix is never a
 * number and never spells a word). kustomize reads the name for this encoding through a lookup that never finds it,
 * so the name is always empty in the hashed text; kustomize-ts keeps that, or the suffixes would differ.
 */
export function contentHash(resource: Resource): string {
  const obj = resource.obj;
  const fields: Record<string, JsonValue> =
    resource.kind === 'Secret'
      ? { kind: 'Secret', type: lookupForHash(obj['type']), name: '', data: lookupForHash(obj['data']) }
      : { kind: 'ConfigMap', name: '', data: lookupForHash(obj['data']) };
  if (resource.kind === 'Secret' && isJsonObject(obj['stringData'])) fields['stringData'] = obj['stringData'];
  if (resource.kind !== 'Secret' && isJsonObject(obj['binaryData'])) fields['binaryData'] = obj['binaryData'];
  return encodeHash(sha256Hex(goJson(fields)));
}

/** A field as kustomize's hasher reads it: absent is `""`, a scalar is its text, a collection is itself. */
function lookupForHash(value: JsonValue | undefined): JsonValue {
  if (value === undefined) return '';
  if (value === null) return 'null';
  if (typeof value === 'object') return value;
  return typeof value === 'string'
    ? value
    : typeof value === 'number'
      ? formatNumberLikeKustomize(value)
      : String(value);
}

const HASH_LETTERS: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };

/** kustomize's hasher encoding of a hex digest. */
export function encodeHash(hex: string): string {
  return [...hex.slice(0, 10)].map((c) => HASH_LETTERS[c] ?? c).join('');
}

/** Go's `encoding/json` output: sorted keys, and `<`, `>`, `&`, U+2028, U+2029 escaped. */
export function goJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${goJsonString(k)}:${goJson(value[k] ?? null)}`).join(',')}}`;
  }
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  return JSON.stringify(value);
}

function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
