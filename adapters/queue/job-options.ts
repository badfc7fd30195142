// How long jobs are kept and how they are retried, per queue. One table, so the trade-offs sit side by side.
import type { JobsOptions } from 'bullmq';
import { RETRY_AFTER_BACKOFF } from './worker-settings.js';

const HOUR_S = 3_600;

/**
 * Plan jobs: kept 24 h after they finish, because the kept job *is* the redelivery check (a delivery id whose job
 * still exists is a duplicate). Retries cover git fetch failures and Redis blips.
 */
export const PLAN_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.2 },
  removeOnComplete: { age: 24 * HOUR_S },
  removeOnFail: { age: 24 * HOUR_S },
};

/**
 * Deploy jobs: a retry re-runs the job from its recorded progress (every step is idempotent). Kept a week (and at
 * most 1,000 per environment) so `superseded by` lookups and operators can still see them. (A push's deploy job is
 * added at the front of its queue: pipeline-queues.ts.)
 */
export const DEPLOY_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000, jitter: 0.2 },
  removeOnComplete: { age: 7 * 24 * HOUR_S, count: 1_000 },
  removeOnFail: { age: 7 * 24 * HOUR_S, count: 1_000 },
};

/**
 * Report jobs: GitHub rate limits and outages can last minutes; a report is worth retrying longer than a deploy.
 * A rate limit longer than the GitHub adapter waits in the call delays the job until GitHub said it resets.
 */
/** Validate jobs: as plan jobs (the fetch and GitHub can fail for a while); the job writes its check run once. */
export const VALIDATE_JOB_OPTIONS: JobsOptions = PLAN_JOB_OPTIONS;

export const REPORT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: RETRY_AFTER_BACKOFF, delay: 2_000, jitter: 0.2 },
  removeOnComplete: { age: 24 * HOUR_S },
  removeOnFail: { age: 7 * 24 * HOUR_S },
};

/**
 * Build jobs: retried for registry and builder outages (a build that failed on its own is terminal and not
 * retried). Kept as long as deploy jobs, since a waiting deploy reads the image from the finished build job.
 */
export const BUILD_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000, jitter: 0.2 },
  removeOnComplete: { age: 7 * 24 * HOUR_S, count: 5_000 },
  removeOnFail: { age: 7 * 24 * HOUR_S, count: 5_000 },
};
