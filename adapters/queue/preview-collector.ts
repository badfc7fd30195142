// The preview collector's schedule: a BullMQ job scheduler, so one job per interval runs on one of the workers
// (however many there are, and across restarts), rather than a timer in each process.
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { JobProcessor } from './run-job.js';
import { runJob } from './run-job.js';
import { logWorkerEvents, workerOptions, type WorkerSettings } from './worker-settings.js';

/** The queue of collector passes. */
export const PREVIEW_COLLECT_QUEUE = 'preview-collect';
/** The one scheduler's id: upserting it again (every worker does at start) changes its interval, never duplicates it. */
export const PREVIEW_COLLECTOR_ID = 'preview-collector';

export interface PreviewCollectorOptions<R> {
  readonly connection: Redis;
  readonly prefix: string;
  /** Milliseconds between passes. */
  readonly everyMs: number;
  readonly processor: JobProcessor<Record<string, never>, R>;
  readonly log: Logger;
  readonly settings?: WorkerSettings;
}

/** A running collector schedule and its worker. */
export interface PreviewCollector {
  close(): Promise<void>;
}

/** Upserts the scheduler and starts a worker taking its jobs (one pass at a time per process). */
export async function startPreviewCollector<R>(options: PreviewCollectorOptions<R>): Promise<PreviewCollector> {
  const queue = new Queue(PREVIEW_COLLECT_QUEUE, { connection: options.connection, prefix: options.prefix });
  await queue.upsertJobScheduler(
    PREVIEW_COLLECTOR_ID,
    { every: options.everyMs },
    // A pass is cheap and the next one comes soon: no retries, and only the last few results kept.
    { name: 'collect', data: {}, opts: { attempts: 1, removeOnComplete: 10, removeOnFail: 10 } },
  );
  const worker = new Worker(
    PREVIEW_COLLECT_QUEUE,
    (job, _token, signal) => runJob(job, signal, z.strictObject({}), options.processor, options.log, () => ({})),
    workerOptions(options.connection, options.prefix, { ...options.settings, concurrency: 1 }),
  );
  logWorkerEvents(worker, options.log);
  return {
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
