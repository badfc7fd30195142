// A changed configMapGenerator or secretGenerator literal renames the generated object (kustomize appends a hash of
// its content), so a diff shows one ConfigMap created and one deleted, and the reader cannot see what changed
// (issue 7, item 12). This pairs each generated object with its predecessor and diffs their data.
import type { KubeObject, ObjectRef } from '../kube/object.js';
import { refKey } from '../kube/object.js';
import { fieldChanges, type FieldChange } from './field-changes.js';
import { normalizeObject, type NormalizeOptions } from './normalize.js';

/** kustomize's content-hash suffix: `-` and ten characters of its hash alphabet (hex with 0, 1, 3, a, e remapped). */
const HASH_SUFFIX = /^(.+)-[2456789bcdfghkmt]{10}$/;

/** The kinds kustomize generates with a hash suffix. */
const GENERATED_KINDS: ReadonlySet<string> = new Set(['ConfigMap', 'Secret']);

/** The fields that carry a generated object's content; the rest (its name, labels) says nothing new. */
const CONTENT_FIELDS = ['data', 'binaryData', 'type', 'immutable'] as const;

/** The name without kustomize's hash suffix, for a ConfigMap or Secret of the core group; otherwise undefined. */
export function generatedBaseName(ref: ObjectRef): string | undefined {
  if (ref.group !== '' || !GENERATED_KINDS.has(ref.kind)) return undefined;
  return HASH_SUFFIX.exec(ref.name)?.[1];
}

/** A generated object's predecessor, and how the content differs from it (Secret values masked). */
export interface Replaced {
  readonly ref: ObjectRef;
  readonly diff: readonly FieldChange[];
}

/**
 * For each created generated object, the deleted one it replaces: same kind, namespace and name before the hash
 * suffix, when exactly one such object is deleted. Keyed by the created object's refKey.
 *
 * @param created the created objects with what they become (the dry-run answer, else the desired object)
 * @param deleted the deleted objects with their live state
 */
export function pairGenerated(
  created: readonly { readonly ref: ObjectRef; readonly object: KubeObject }[],
  deleted: readonly { readonly ref: ObjectRef; readonly live: KubeObject | undefined }[],
  options: NormalizeOptions,
): Map<string, Replaced> {
  const groupKey = (ref: ObjectRef, base: string) => `${ref.kind}/${ref.namespace ?? ''}/${base}`;
  const predecessors = new Map<string, (typeof deleted)[number][]>();
  for (const entry of deleted) {
    const base = generatedBaseName(entry.ref);
    if (base === undefined || entry.live === undefined) continue;
    const key = groupKey(entry.ref, base);
    predecessors.set(key, [...(predecessors.get(key) ?? []), entry]);
  }
  const pairs = new Map<string, Replaced>();
  for (const { ref, object } of created) {
    const base = generatedBaseName(ref);
    const candidates = base === undefined ? [] : (predecessors.get(groupKey(ref, base)) ?? []);
    const [predecessor] = candidates;
    // Two predecessors (an earlier failed attempt left one behind) would make the pairing a guess: show both as is.
    if (candidates.length !== 1 || predecessor?.live === undefined) continue;
    pairs.set(refKey(ref), {
      ref: predecessor.ref,
      diff: fieldChanges(content(predecessor.live, options), content(object, options)),
    });
  }
  return pairs;
}

function content(obj: KubeObject, options: NormalizeOptions): Record<string, unknown> {
  const normalized = normalizeObject(obj, options);
  return Object.fromEntries(
    CONTENT_FIELDS.flatMap((field) => (normalized[field] === undefined ? [] : [[field, normalized[field]]])),
  );
}
