// The LiveCache port: the live objects of a cluster as its watches last reported them, so a deploy can diff
// locally and drift can be seen as it happens.
import type { KubeObject, ObjectRef } from '../kube/object.js';

/** One change a watch reported. `object` is the new state; absent for a deletion. */
export interface LiveEvent {
  /** `refKey` of the object (as the server scopes it). */
  readonly key: string;
  readonly ref: ObjectRef;
  readonly object: KubeObject | undefined;
}

export interface SnapshotOptions {
  /** How long to wait for watches that are not synced yet (a cold cache) before giving up. */
  readonly waitMs: number;
  /** Re-list the kinds these refs span at least this often (env.yaml `drift.resync`); the shortest asked wins. */
  readonly resyncMs?: number;
  readonly signal?: AbortSignal;
}

export interface LiveCache {
  /**
   * The live objects among `refs`, by `refKey(ref)` (absent ones left out), when every kind and namespace they
   * span is watched and synced; undefined when one is not (not yet listed, or its watch expired and it is being
   * re-listed), so the caller reads the cluster instead. Starts watching what is not watched yet.
   */
  snapshot(refs: readonly ObjectRef[], options: SnapshotOptions): Promise<Map<string, KubeObject> | undefined>;

  /** Calls `listener` on every change of a watched object; returns the unsubscribe function. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
}
