// The release history of one environment, kept in the cluster so that a rollback needs nothing but the cluster.
// The record itself is core/release/release.ts's `Release`.
import type { KubeObject } from '../kube/object.js';
import type { Release } from '../release/release.js';

/** A release to record: the store assigns the revision (or finds the one this deployId already has). */
export type ReleaseDraft = Omit<Release, 'revision' | 'environment'>;

/** The fields an update may change: how the attempt ended, and when it was last found still in place. */
export type ReleaseUpdate = Partial<
  Pick<Release, 'outcome' | 'reason' | 'message' | 'finishedAt' | 'timings' | 'verifiedAt' | 'canaries'>
>;

/** A release with the manifests it applied: all a rollback needs. */
export interface StoredRelease {
  readonly release: Release;
  readonly manifests: readonly KubeObject[];
}

/**
 * The release history of one environment. Methods reject with a DeployError (a ClusterError for cluster trouble,
 * `ReleaseRecordInvalid` for a record that cannot be read back).
 */
export interface ReleaseStore {
  /** Records a release with its manifests; idempotent per `deployId`. Returns it with its revision. */
  record(draft: ReleaseDraft, manifests: readonly KubeObject[], options?: { signal?: AbortSignal }): Promise<Release>;
  /** Changes a release's outcome (and reason, message, finish time, timings), or its verified time. */
  update(revision: number, update: ReleaseUpdate, options?: { signal?: AbortSignal }): Promise<Release>;
  /** Every release, newest first, without manifests. */
  list(options?: { signal?: AbortSignal }): Promise<readonly Release[]>;
  /** One release with its manifests, or undefined. */
  get(revision: number, options?: { signal?: AbortSignal }): Promise<StoredRelease | undefined>;
  /** The newest release that succeeded, with its manifests: what a rollback re-applies. */
  lastGood(options?: { signal?: AbortSignal }): Promise<StoredRelease | undefined>;
  /** Deletes all but the newest `keep` releases, never the last good one; returns the revisions deleted. */
  prune(keep: number, options?: { signal?: AbortSignal }): Promise<readonly number[]>;
}
