import type { ObjectRef } from '../kube/object.js';
import type { Reason } from '../reasons.js';

/**
 * Where an attempt to bring an environment to a commit stands, or how it ended.
 * - `deploying`: recorded before anything is applied, so that a worker killed mid-apply leaves a trace and the
 *   inventory it set out to apply; the job that resumes it settles it.
 * - `succeeded`: applied and healthy.
 * - `failed`: did not get there, and no rollback happened (nothing was applied, automatic rollback is off, or
 *   there is no earlier good release).
 * - `rolled-back`: failed, and the last good release was restored (see `rolledBackTo`).
 * - `rollback-failed`: failed, and restoring the last good release failed too: the environment needs a person.
 * - `superseded`: a newer commit for the environment took over before this one finished.
 */
export type ReleaseOutcome = 'deploying' | 'succeeded' | 'failed' | 'rolled-back' | 'rollback-failed' | 'superseded';
export const RELEASE_OUTCOMES = ['deploying', 'succeeded', 'failed', 'rolled-back', 'rollback-failed', 'superseded'] as const satisfies readonly ReleaseOutcome[];

/** `deploy`: a commit rendered and applied. `rollback`: an earlier release's stored manifests re-applied on request. */
export type ReleaseKind = 'deploy' | 'rollback';

/** The timed steps of one attempt. */
export type DeployStage = 'render' | 'validate' | 'diff' | 'apply' | 'prune' | 'rollout' | 'rollback';
export const DEPLOY_STAGES = ['render', 'validate', 'diff', 'apply', 'prune', 'rollout', 'rollback'] as const satisfies readonly DeployStage[];

/** Milliseconds spent in each step that ran. */
export type Timings = Readonly<Partial<Record<DeployStage, number>>>;

/** The release an automatic rollback went back to. */
export interface RollbackTarget {
  readonly revision: number;
  readonly sha: string;
}

/**
 * The record of one attempt on one environment, kept in the cluster (one object per release, like Helm's release
 * Secrets) so that history and rollback need nothing but the cluster. The adapter stores the rendered manifests
 * next to these fields (gzip + base64, see `RELEASE_MANIFESTS_KEY`); a rollback re-applies them as they were,
 * never re-rendering an old commit with today's renderer.
 */
export interface Release {
  readonly environment: string;
  /** 1, 2, 3... per environment, in the order attempts started. */
  readonly revision: number;
  readonly kind: ReleaseKind;
  /** The commit rendered (for a rollback, the commit of the release whose manifests were re-applied). */
  readonly sha: string;
  /** `sha256:<hex>` of the rendered manifests (see `manifestDigest`): tells identical renders apart from changed ones. */
  readonly manifestDigest: string;
  /**
   * What this attempt applied, or set out to apply (with `apply.prune: false`, also what it kept): the objects it
   * may have left in the environment. The next attempt prunes from these (see `inventoryToPrune`).
   */
  readonly inventory: readonly ObjectRef[];
  readonly outcome: ReleaseOutcome;
  /** Why it did not succeed; absent on success. */
  readonly reason?: Reason;
  /** What happened, for people. */
  readonly message?: string;
  /** Set when the outcome is `rolled-back`. */
  readonly rolledBackTo?: RollbackTarget;
  /** The webhook delivery that started it, when one did. */
  readonly deliveryId?: string;
  /** ISO 8601. */
  readonly startedAt: string;
  /** ISO 8601; absent while `deploying`. */
  readonly finishedAt?: string;
  readonly timings: Timings;
}
