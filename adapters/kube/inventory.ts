// The inventory: which objects a release applied, kept in its release record, so the next release can prune what
// it no longer renders.
import { z } from 'zod';
import type { ObjectRef } from '../../core/kube/object.js';
import { refKey } from '../../core/kube/object.js';
import type { Release, ReleaseStore } from '../../core/ports/release-store.js';

/** One inventory entry as stored: an ObjectRef (version included, so prune can address the object). */
export const inventoryEntrySchema = z.strictObject({
  group: z.string(),
  version: z.string().min(1),
  kind: z.string().min(1),
  namespace: z.string().min(1).optional(),
  name: z.string().min(1),
});

/** Refs deduplicated by identity and sorted, so equal sets store (and digest) identically. */
export function toInventory(refs: readonly ObjectRef[]): ObjectRef[] {
  const byKey = new Map<string, ObjectRef>();
  for (const ref of refs) {
    const { group, version, kind, namespace, name } = ref;
    byKey.set(refKey(ref), namespace === undefined ? { group, version, kind, name } : { group, version, kind, namespace, name });
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, ref]) => ref);
}

/**
 * What the cluster may still hold from earlier releases: the union of the inventories of every release from the
 * newest back to (and including) the newest that succeeded. A release that failed half-way may have applied part
 * of what it rendered and pruned only part of what it dropped; taking the union up to the last clean state means
 * nothing it touched is forgotten. `releases` must be newest first.
 */
export function previousInventory(releases: readonly Release[]): ObjectRef[] {
  const refs: ObjectRef[] = [];
  for (const release of releases) {
    refs.push(...release.inventory);
    if (release.outcome === 'succeeded') break;
  }
  return toInventory(refs);
}

/** Reads the history and returns {@link previousInventory}: the prune baseline of the next release. */
export async function readPreviousInventory(store: ReleaseStore, options?: { signal?: AbortSignal }): Promise<ObjectRef[]> {
  return previousInventory(await store.list(options));
}
