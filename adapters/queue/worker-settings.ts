import { Backoffs, type BackoffOptions, type MinimalJob, type Worker, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * How fast a killed worker's job is recovered. A worker holds a lock on each active job and renews it every
 * `lockDurationMs / 2`; when the worker dies the lock expires, and the next stalled-job check (every
 * `stalledIntervalMs`, run by any live worker of the queue) moves the job back to wait for another worker. So a
 * job resumes within about `lockDurationMs + stalledIntervalMs` of the crash.
 */
export interface WorkerSettings {
  /** Default 15,000 ms: long enough to survive event-loop stalls of a busy worker, short enough to resume soon. */
  readonly lockDurationMs?: number;
  /** Default 5,000 ms. */
  readonly stalledIntervalMs?: number;
  /**
   * How many times one job may be recovered from a crash before it fails (default 2, so one crash-looping job
   * cannot take every worker down forever).
   */
  readonly maxStalledCount?: number;
  /** Jobs at once per worker (default 1). */
  readonly concurrency?: number;
}

/**
 * A job backoff type (`backoff: { type: RETRY_AFTER_BACKOFF, delay, jitter }`): BullMQ's exponential backoff, but
 * never shorter than the wait the failed call was told to keep (an error's `retryAfterMs`: GitHub's rate-limit
 * reset or `retry-after`, longer than the adapter would sleep through in the call). Retrying earlier would only
 * meet the same limit again, spend an attempt, and count against the client with GitHub.
 */
export const RETRY_AFTER_BACKOFF = 'retry-after';

/** The strategy behind {@link RETRY_AFTER_BACKOFF}, for `settings.backoffStrategy` of every pipeline worker. */
export function retryAfterBackoff(attemptsMade: number, _type?: string, error?: Error, job?: MinimalJob): number {
  const { delay = 1_000, jitter = 0 } = (job?.opts.backoff ?? {}) as BackoffOptions;
  const exponential = Backoffs.builtinStrategies['exponential']!(delay, jitter)(attemptsMade, 'exponential', error, job) as number;
  const asked = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof asked === 'number' && Number.isFinite(asked) ? Math.max(asked, exponential) : exponential;
}

/** The BullMQ options for a worker of the pipeline. */
export function workerOptions(connection: Redis, prefix: string, settings: WorkerSettings = {}): WorkerOptions {
  return {
    connection,
    prefix,
    settings: { backoffStrategy: retryAfterBackoff },
    concurrency: settings.concurrency ?? 1,
    lockDuration: settings.lockDurationMs ?? 15_000,
    stalledInterval: settings.stalledIntervalMs ?? 5_000,
    maxStalledCount: settings.maxStalledCount ?? 2,
  };
}

/** Logs a worker's failures and errors (a worker without an `error` listener crashes the process on one). */
export function logWorkerEvents(worker: Worker, log: Logger): void {
  worker.on('error', (error) => log.error({ err: error, queue: worker.name }, 'worker error'));
  worker.on('failed', (job, error) => {
    const final = job === undefined || error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    log.warn({ err: error, queue: worker.name, jobId: job?.id, attempt: job?.attemptsMade, final }, final ? 'job failed' : 'job failed; will retry');
  });
  worker.on('stalled', (jobId) => log.warn({ queue: worker.name, jobId }, 'job stalled (its worker stopped renewing the lock); moved back to wait'));
}
