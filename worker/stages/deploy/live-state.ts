// The live-state cache as the deploy path uses it: which rendered objects are already in sync (no dry-run, no
// apply, no request), and what the others are compared against.
import type { EnvConfig } from '../../../core/config/env-config.js';
import { InSyncMemo } from '../../../core/diff/in-sync.js';
import type { KubeObject, ObjectRef } from '../../../core/kube/object.js';
import { refKey, refOf } from '../../../core/kube/object.js';
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
): Promise<CachedLive | undefined> {
  if (state === undefined) return undefined;
  const refs = [...new Map([...desired.map(refOf), ...inventory].map((ref) => [refKey(ref), ref])).values()];
  const live = await state.cache.snapshot(refs, { waitMs: COLD_CACHE_WAIT_MS, resyncMs: env.drift.resync, signal });
  if (live === undefined) {
    onFallback('the live-state cache is not synced (cold, or a watch is re-listing): reading and dry-running every object');
    return undefined;
  }
  const inSync = new Set<string>();
  for (const object of desired) {
    const key = refKey(refOf(object));
    if (state.memo.inSync(object, live.get(key))) inSync.add(key);
  }
  return { live, inSync, memo: state.memo };
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
