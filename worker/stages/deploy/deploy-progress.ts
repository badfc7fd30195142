// What a deploy records after each step, so a resumed run (another worker, after a crash) continues instead of
// starting over. Only the latest record is kept, so every record carries everything recorded before it.
import { z } from 'zod';
import { ACTIONS, type ChangeSet } from '../../../core/diff/change-set.js';
import type { AggregateHealth } from '../../../core/health/aggregate-health.js';
import { isReason, type Reason } from '../../../core/reasons.js';
import type { AttemptFailure, DeployResult, DeployStep, StepTimings } from './deploy-types.js';
import { DEPLOY_STEPS } from './deploy-types.js';

/** The cumulative data of a deploy's progress records. */
export interface DeployProgress {
  /** When the first run of this request started, ISO 8601: the release's start time across resumes. */
  readonly startedAt: string;
  readonly timings: StepTimings;
  /**
   * The ChangeSet, once computed. Kept rather than recomputed on resume: after a partial apply, a new diff would
   * find the applied objects unchanged and drop them from the wait set and from the report.
   */
  readonly changeSet?: ChangeSet;
  /** The release recorded for this attempt (step 6). */
  readonly revision?: number;
  /** How many apply stages are done (step 7): a resumed run applies only the rest. */
  readonly appliedStages?: number;
  /** Set once the prune step (8) is done. */
  readonly pruned?: boolean;
  /** Set once the attempt failed after it was recorded: a resumed run goes straight to the rollback. */
  readonly failure?: AttemptFailure;
  /** The last health check. */
  readonly health?: AggregateHealth;
  /** Rollback tries made so far, across resumed runs: a rollback is never retried forever. */
  readonly rollbackTries?: number;
  /** The final result, once known: a resumed run returns it as is. */
  readonly result?: DeployResult;
}

const reason = z.custom<Reason>(isReason);
const ref = z.object({
  group: z.string(),
  version: z.string(),
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
});
const entry = z.looseObject({
  action: z.enum(ACTIONS),
  ref,
  diff: z.array(z.looseObject({ kind: z.string(), path: z.string() })).optional(),
  reason: z.string().optional(),
});
const failure = z.object({ reason, message: z.string(), ref: ref.optional(), clusterChanged: z.boolean() });
const health = z.looseObject({
  status: z.enum(['Healthy', 'Progressing', 'Degraded', 'Unknown']),
  reason,
  message: z.string(),
});
const timings = z.partialRecord(z.enum(DEPLOY_STEPS), z.number().min(0));

const progressSchema = z.object({
  startedAt: z.string().min(1),
  timings,
  changeSet: z.object({ entries: z.array(entry) }).optional(),
  revision: z.number().int().positive().optional(),
  appliedStages: z.number().int().min(0).optional(),
  pruned: z.boolean().optional(),
  failure: failure.optional(),
  health: health.optional(),
  rollbackTries: z.number().int().min(0).optional(),
  result: z
    .looseObject({ environment: z.string(), sha: z.string(), outcome: z.string(), message: z.string(), timings })
    .optional(),
});

/**
 * Reads progress data stored by an earlier run (untrusted JSON from Redis). Undefined when it does not have the
 * shape this version writes: the run then starts over, which every step tolerates.
 */
export function parseDeployProgress(data: unknown): DeployProgress | undefined {
  const parsed = progressSchema.safeParse(data);
  // The schema checks the shape the resume logic relies on; the nested values are ours, written by this module.
  return parsed.success ? (data as DeployProgress) : undefined;
}

/** True for the names of {@link DEPLOY_STEPS}. */
export function isDeployStep(step: string): step is DeployStep {
  return (DEPLOY_STEPS as readonly string[]).includes(step);
}
