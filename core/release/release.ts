// The release record: the one place its fields are defined. The schema below is both the TypeScript type (inferred)
// and the check every stored record passes when read back, so a new field (image references, say) is one line here,
// and the store, the history and the rollback see it without another definition to keep in step.
import { z } from 'zod';
import { isReason, type Reason } from '../reasons.js';

/**
 * Where an attempt to bring an environment to a commit stands, or how it ended.
 * - `deploying`: recorded before anything is applied, so that a worker killed mid-apply leaves a trace and the
 *   inventory it set out to apply; the job that resumes it settles it.
 * - `succeeded`: applied and healthy; the only outcome a rollback goes back to.
 * - `failed`: did not get there, and no rollback happened (nothing was applied, automatic rollback is off, or
 *   there is no earlier good release).
 * - `rolled-back`: failed, and the last good release was restored.
 * - `rollback-failed`: failed, and restoring the last good release failed too: the environment needs a person.
 * - `superseded`: a newer commit for the environment took over before this one finished.
 */
export const RELEASE_OUTCOMES = [
  'deploying',
  'succeeded',
  'failed',
  'rolled-back',
  'rollback-failed',
  'superseded',
] as const;
export type ReleaseOutcome = (typeof RELEASE_OUTCOMES)[number];

/** One inventory entry: an ObjectRef, version included so prune can address the object. */
export const inventoryEntrySchema = z
  .strictObject({
    group: z.string(),
    version: z.string().min(1),
    kind: z.string().min(1),
    namespace: z.string().min(1).optional(),
    name: z.string().min(1),
  })
  .readonly();

const reason = z.custom<Reason>(isReason, { error: 'is not a known reason' });

const weightsSchema = z
  .strictObject({ stable: z.number().min(0).max(100), canary: z.number().min(0).max(100) })
  .readonly();

/** One check of a canary's gate (core/canary/canary-gate.ts). */
export const canaryGateRecordSchema = z
  .strictObject({
    /** 0-based step the check ran in. */
    step: z.number().int().min(0),
    verdict: z.enum(['pass', 'fail', 'inconclusive', 'fatal']),
    findings: z.array(z.string()).readonly(),
    at: z.string().min(1),
    /** The route's weights when the check ran (absent in records written before they were kept). */
    weights: weightsSchema.optional(),
  })
  .readonly();
export type CanaryGateRecord = z.infer<typeof canaryGateRecordSchema>;

/**
 * One app's canary within a release, recorded before each change of weights so a resumed job continues from it
 * (core/canary/canary-progress.ts decides the transitions).
 * - `stepping`: the route holds `weights` for step `step`; checks run.
 * - `promoting` / `aborting`: decided, the worker is putting stable on the new version / back on the old one.
 * - `promoted` / `aborted`: done; the route is 100/0 on stable, the canary scaled down.
 */
export const canaryProgressSchema = z
  .strictObject({
    app: z.string().min(1),
    /** The traffic provider that holds the weights (`gateway-api`, `appmesh`). */
    provider: z.string().min(1),
    phase: z.enum(['stepping', 'promoting', 'promoted', 'aborting', 'aborted']),
    /** 0-based index into app.yaml's `canary.steps`. */
    step: z.number().int().min(0),
    steps: z.number().int().min(1),
    weights: weightsSchema,
    /** ISO 8601: when the route moved to this step's weights. */
    stepStartedAt: z.string().min(1),
    /** The canary pods' restarts when they came up; only restarts after that fail the gate. */
    restartsAtStart: z.number().int().min(0),
    failedChecks: z.number().int().min(0),
    inconclusiveChecks: z.number().int().min(0),
    /** The latest checks, oldest first. */
    gates: z.array(canaryGateRecordSchema).readonly(),
    /** Set when a gate aborted the canary: the step and why. */
    failure: z
      .strictObject({ step: z.number().int().min(0), message: z.string() })
      .readonly()
      .optional(),
    finishedAt: z.string().min(1).optional(),
    /**
     * Recorded as the promotion starts: the stable Deployment's pod template before it takes the canary's, so a
     * promotion whose stable never becomes Available puts that template back before the route returns to stable.
     */
    previousTemplate: z.record(z.string(), z.unknown()).readonly().optional(),
  })
  .readonly();
export type CanaryProgress = z.infer<typeof canaryProgressSchema>;

/**
 * The record of one attempt on one environment, kept in the cluster (one object per release, like Helm's release
 * Secrets) so that history and rollback need nothing but the cluster. The store keeps the rendered manifests next
 * to it; a rollback re-applies them as they were, never re-rendering an old commit with today's renderer.
 */
export const releaseSchema = z
  .object({
    environment: z.string().min(1),
    /** 1, 2, 3... per environment, assigned by the store in the order attempts started. */
    revision: z.number().int().positive(),
    /**
     * The deploy attempt (queue job) that made this release: recording again with the same id updates that release
     * instead of adding one, so a resumed job does not leave a duplicate.
     */
    deployId: z.string().min(1),
    /** The commit whose manifests these are (for a rollback: the commit of the release it went back to). */
    commit: z.string().min(1),
    /** `sha256:<hex>` of the rendered manifests (see `manifestDigest`): tells "same manifests" from "same commit". */
    manifestDigest: z.string().startsWith('sha256:'),
    /**
     * What this release applied, or set out to apply (with `apply.prune: false`, also what it kept): what the next
     * release prunes against (see `inventoryToPrune`).
     */
    inventory: z.array(inventoryEntrySchema).readonly(),
    outcome: z.enum(RELEASE_OUTCOMES),
    /** Why it did not succeed; absent on success. */
    reason: reason.optional(),
    /** A sentence for people: the error, or "…; rolled back to revision 3 (1a2b3c4)". */
    message: z.string().optional(),
    /** Set on a release that re-applied an earlier one's manifests: that release's revision. */
    rollbackOf: z.number().int().positive().optional(),
    /** ISO 8601. */
    startedAt: z.string().min(1),
    /** ISO 8601; absent while `deploying`. */
    finishedAt: z.string().min(1).optional(),
    /**
     * ISO 8601: when a later deploy last found this release's manifests in place and changed nothing. Such a deploy
     * (a redelivery, `gantry apply` of the same commit) records no release of its own, so the history keeps the
     * releases that differ, and only this time moves.
     */
    verifiedAt: z.string().min(1).optional(),
    /**
     * The images the build stage pinned into these manifests, by the name the manifests use (`shop/catalog`) and
     * the reference that ran (`<registry>/shop/catalog@sha256:…`). Absent when nothing was built or pinned. A
     * rollback copies them from the release it restores, whose stored manifests already carry them.
     */
    images: z
      .array(z.strictObject({ name: z.string().min(1), reference: z.string().min(1) }).readonly())
      .readonly()
      .optional(),
    /** The canaries this release walks or walked, one per canaried app; absent when nothing was canaried. */
    canaries: z.array(canaryProgressSchema).readonly().optional(),
    /** Milliseconds per deploy step (`render`, `apply`, `rollout`...). */
    timings: z.record(z.string(), z.number().min(0)).readonly().optional(),
  })
  .readonly();

/** One attempt to put a commit's rendered manifests into an environment (see {@link releaseSchema}). */
export type Release = z.infer<typeof releaseSchema>;

/** The timed steps a report shows. */
export const DEPLOY_STAGES = ['render', 'validate', 'diff', 'apply', 'prune', 'rollout', 'canary', 'rollback'] as const;
export type DeployStage = (typeof DEPLOY_STAGES)[number];

/** Milliseconds spent in each step that ran. */
export type Timings = Readonly<Partial<Record<DeployStage, number>>>;

/** The release an automatic rollback went back to. */
export interface RollbackTarget {
  readonly revision: number;
  readonly sha: string;
}

/** `deploy`: a commit rendered and applied. `rollback`: an earlier release's stored manifests re-applied. */
export type ReleaseKind = 'deploy' | 'rollback';

/** Whether a release deployed a commit or re-applied an earlier release (it then names that one in `rollbackOf`). */
export function releaseKind(release: Pick<Release, 'rollbackOf'>): ReleaseKind {
  return release.rollbackOf === undefined ? 'deploy' : 'rollback';
}
