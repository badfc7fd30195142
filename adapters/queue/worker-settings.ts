import type { Worker, WorkerOptions } from 'bullmq';
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

/** The BullMQ options for a worker of the pipeline. */
export function workerOptions(connection: Redis, prefix: string, settings: WorkerSettings = {}): WorkerOptions {
  return {
    connection,
    prefix,
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
