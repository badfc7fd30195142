// Rules over an environment's release history, as the store, the deploy and the rollback decision apply them.
import type { ObjectRef } from '../kube/object.js';
import { refKey } from '../kube/object.js';
import type { Release } from './release.js';

type Revisioned = Pick<Release, 'revision'>;

/** The revision number the next attempt on the environment gets: one more than the highest recorded. */
export function nextRevision(history: readonly Revisioned[]): number {
  return history.reduce((highest, release) => Math.max(highest, release.revision), 0) + 1;
}

/** The newest release, if any. */
export function latestRelease<R extends Revisioned>(history: readonly R[]): R | undefined {
  return history.reduce<R | undefined>(
    (newest, release) => (newest === undefined || release.revision > newest.revision ? release : newest),
    undefined,
  );
}

/**
 * The newest release that succeeded (a deploy or a requested rollback), older than `before` when given: what an
 * automatic rollback goes back to.
 */
export function lastGoodRelease<R extends Pick<Release, 'revision' | 'outcome'>>(
  history: readonly R[],
  before = Number.POSITIVE_INFINITY,
): R | undefined {
  return latestRelease(history.filter((release) => release.outcome === 'succeeded' && release.revision < before));
}

/**
 * Which records to keep: the `limit` newest (at least one), plus the last good release even when it is older,
 * since it is the only thing an automatic rollback can go back to. The rest may be deleted; both lists newest first.
 */
export function releasesToKeep<R extends Pick<Release, 'revision' | 'outcome'>>(
  history: readonly R[],
  limit: number,
): { keep: R[]; drop: R[] } {
  const newestFirst = [...history].sort((a, b) => b.revision - a.revision);
  const keep = newestFirst.slice(0, Math.max(limit, 1));
  const good = lastGoodRelease(history);
  if (good !== undefined && !keep.includes(good)) keep.push(good);
  return { keep, drop: newestFirst.filter((release) => !keep.includes(release)) };
}

/**
 * Refs deduplicated by identity (across API versions; the first occurrence wins) and sorted, so equal sets store
 * (and digest) identically.
 */
export function toInventory(refs: readonly ObjectRef[]): ObjectRef[] {
  const byKey = new Map<string, ObjectRef>();
  for (const ref of refs) {
    const { group, version, kind, namespace, name } = ref;
    if (!byKey.has(refKey(ref)))
      byKey.set(
        refKey(ref),
        namespace === undefined ? { group, version, kind, name } : { group, version, kind, namespace, name },
      );
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, ref]) => ref);
}

/**
 * What the next attempt prunes from: the inventory of the last good release joined with those of every attempt
 * after it. A failed, superseded or interrupted (`deploying`) attempt may have applied part of what it rendered and
 * pruned only part of what it dropped, and a rolled-back one may not have removed all it added; joining them means
 * nothing the pipeline ever applied is forgotten (objects already gone are simply skipped by the prune plan).
 */
export function inventoryToPrune(history: readonly Pick<Release, 'revision' | 'outcome' | 'inventory'>[]): ObjectRef[] {
  const good = lastGoodRelease(history);
  // Newest first: an object recorded under several API versions is addressed by the newest release's.
  const since = history
    .filter((release) => good === undefined || release.revision >= good.revision)
    .sort((a, b) => b.revision - a.revision);
  return toInventory(since.flatMap((release) => release.inventory));
}
