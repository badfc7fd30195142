// The live-state cache as the deploy path uses it: which rendered objects are already in sync (no dry-run, no
// apply, no request), and what the others are compared against.
import type { Logger } from 'pino';
import type { EnvConfig } from '../../../core/config/env-config.js';
import { InSyncMemo } from '../../../core/diff/in-sync.js';
import { fieldsLeftToOthers } from '../../../core/diff/left-to-others.js';
import type { KubeObject, ObjectRef } from '../../../core/kube/object.js';
import { refKey, refOf } from '../../../core/kube/object.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import type { LiveCache } from '../../../core/ports/live-cache.js';

/** One environment's view of its cluster's cache, with what the field manager last applied there. */
export interface EnvLiveState {
  readonly cache: LiveCache;
  readonly memo: InSyncMemo;
}

/** How long a deploy waits for a cold cache (watches still listing) before it takes the full path. */
export const COLD_CACHE_WAIT_MS = 3_000;

/** What the cache says about a deploy's objects. */
export interface CachedLive {
  /** The live objects among the rendered ones and the previous inventory, by refKey (absent ones left out). */
  readonly live: ReadonlyMap<string, KubeObject>;
  /** refKeys of the rendered objects known to be in sync: they get no dry-run and no apply. */
  readonly inSync: ReadonlySet<string>;
  readonly memo: InSyncMemo;
}

/**
 * The cache's answer for this deploy, or undefined (the full path) when the environment has no cache or its
 * watches are not synced; `onFallback` says why, for the log.
 */
export async function cachedLive(
  state: EnvLiveState | undefined,
  env: EnvConfig,
  desired: readonly KubeObject[],
  inventory: readonly ObjectRef[],
  signal: AbortSignal,
  onFallback: (why: string) => void,
  cluster: Pick<Cluster, 'getMany'>,
): Promise<CachedLive | undefined> {
  if (state === undefined) return undefined;
  const refs = [...new Map([...desired.map(refOf), ...inventory].map((ref) => [refKey(ref), ref])).values()];
  const live = await state.cache.snapshot(refs, { waitMs: COLD_CACHE_WAIT_MS, resyncMs: env.drift.resync, signal });
  if (live === undefined) {
    onFallback(
      'the live-state cache is not synced (cold, or a watch is re-listing): reading and dry-running every object',
    );
    return undefined;
  }
  // The cache holds only the objects the pipeline manages. A prune candidate it lacks may still exist, no longer
  // managed (another manager took every field over), so it is read; rendered objects not in sync are read by the
  // diff step anyway. Normally no candidate is missing and nothing is read.
  const rendered = new Set(desired.map((object) => refKey(refOf(object))));
  const absent = inventory.filter((ref) => !rendered.has(refKey(ref)) && !live.has(refKey(ref)));
  if (absent.length > 0) {
    const read = await cluster.getMany(absent, { signal });
    absent.forEach((ref, i) => {
      const object = read[i];
      if (object !== undefined) live.set(refKey(ref), object);
    });
  }
  const inSync = new Set<string>();
  for (const object of desired) {
    const key = refKey(refOf(object));
    if (state.memo.inSync(object, live.get(key))) inSync.add(key);
  }
  return { live, inSync, memo: state.memo };
}

/**
 * After a successful deploy, so that drift of every rendered object is seen: the cache watches all their kinds and
 * namespaces (a deploy resumed from recorded progress skipped the validate step that starts them), and the objects
 * the memo does not know (applied by a process that died before the deploy was resumed here) are learnt from the
 * cache when their live fields hold what was applied. Normally everything is watched and known already: no request.
 */
export async function watchDeployed(
  state: EnvLiveState | undefined,
  desired: readonly KubeObject[],
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  if (state === undefined) return;
  // Also set by the diff step, which a resumed deploy may have skipped.
  state.memo.leaveToOthers(fieldsLeftToOthers(desired));
  const live = await state.cache.snapshot(desired.map(refOf), { waitMs: COLD_CACHE_WAIT_MS, signal });
  const unknown = desired.filter((object) => !state.memo.knows(refKey(refOf(object))));
  if (unknown.length === 0) return;
  let learnt = 0;
  for (const object of unknown) {
    const current = live?.get(refKey(refOf(object)));
    if (current !== undefined && state.memo.adopt(object, current)) learnt += 1;
  }
  log.info(
    { unknown: unknown.length, learnt, synced: live !== undefined },
    `drift: learnt ${learnt} of the ${unknown.length} objects this process did not apply itself from the live-state cache`,
  );
}

/**
 * Per environment and namespace, its {@link EnvLiveState} over the cache of the cluster it names. A preview is the
 * environment's config moved into its own namespace: it gets a memo of its own, so the drift watch of the
 * environment never takes the preview's objects (deleted with its namespace on teardown) for the environment's.
 */
export function liveStates(cacheFor: (env: EnvConfig) => LiveCache, fieldManager: string) {
  const states = new Map<string, EnvLiveState>();
  return (env: EnvConfig): EnvLiveState => {
    const key = `${env.name}/${env.namespace}`;
    let state = states.get(key);
    if (state === undefined) {
      state = { cache: cacheFor(env), memo: new InSyncMemo(fieldManager) };
      states.set(key, state);
    }
    return state;
  };
}
