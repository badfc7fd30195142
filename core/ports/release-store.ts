// The release history of one environment, kept in the cluster so that a rollback needs nothing but the cluster.
//
// The Release model here is deliberately minimal (what the store and a rollback need); when core/release/ defines
// the full model, this port should take it instead.
import type { KubeObject, ObjectRef } from '../kube/object.js';
import type { Reason } from '../reasons.js';

/**
 * Where a release stands. `deploying`: recorded before anything is applied, so a worker killed mid-apply leaves a
 * trace (and its inventory) behind. `succeeded`: applied and healthy; the only outcome a rollback goes back to.
 * `failed`: it did not become healthy (or could not be applied) and nothing replaced it. `rolled-back`: it failed,
 * and an earlier release was put back.
 */
export type ReleaseOutcome = 'deploying' | 'succeeded' | 'failed' | 'rolled-back';
export const RELEASE_OUTCOMES = ['deploying', 'succeeded', 'failed', 'rolled-back'] as const satisfies readonly ReleaseOutcome[];

/** One attempt to put a commit's rendered manifests into an environment. */
export interface Release {
  readonly environment: string;
  /** 1, 2, 3... per environment, assigned by the store. */
  readonly revision: number;
  /**
   * The deploy attempt (queue job) that made this release: recording again with the same id updates that release
   * instead of adding one, so a resumed job does not leave a duplicate.
   */
  readonly deployId: string;
  /** The commit whose manifests these are (for a rollback: the commit it went back to). */
  readonly commit: string;
  /** Digest of the rendered manifests, to tell "same manifests" from "same commit". */
  readonly manifestDigest: string;
  /** What this release applied (or set out to apply): what the next release prunes against. */
  readonly inventory: readonly ObjectRef[];
  readonly outcome: ReleaseOutcome;
  /** Why it failed, when it did. */
  readonly reason?: Reason;
  /** A sentence for people: the error, or "rolled back to <sha>". */
  readonly message?: string;
  /** Set on a release that re-applied an earlier one's manifests: that release's revision. */
  readonly rollbackOf?: number;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** Milliseconds per step (`render`, `apply`, `rollout`...). */
  readonly timings?: Readonly<Record<string, number>>;
}

/** A release to record: the store assigns the revision (or finds the one this deployId already has). */
export type ReleaseDraft = Omit<Release, 'revision' | 'environment'>;

/** The fields an outcome update may change. */
export type ReleaseUpdate = Pick<Release, 'outcome'> & Partial<Pick<Release, 'reason' | 'message' | 'finishedAt' | 'timings'>>;

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
  /** Changes a release's outcome (and reason, message, finish time, timings). */
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
