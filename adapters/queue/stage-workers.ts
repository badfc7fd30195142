import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { buildJobSchema, type BuildJob } from './build-job.js';
import type { BuildGate } from './build-gate.js';
import { planJobSchema, type PlanJob } from './plan-job.js';
import { BUILD_QUEUE, PLAN_QUEUE, REPORT_QUEUE, VALIDATE_QUEUE } from './queue-names.js';
import { reportJobSchema, type ReportJob } from './report-job.js';
import { runJob, type JobProcessor } from './run-job.js';
import { logWorkerEvents, workerOptions, type WorkerSettings } from './worker-settings.js';

/** Options of the stage worker factories. */
export interface StageWorkerOptions<T, R> {
  /** A `worker` client from createRedisClient; owned by the caller. */
  readonly connection: Redis;
  readonly prefix: string;
  readonly processor: JobProcessor<T, R>;
  readonly log: Logger;
  readonly settings?: WorkerSettings;
}

/** A worker of the plan queue: one job per accepted delivery. */
export function createPlanWorker<R>(options: StageWorkerOptions<PlanJob, R>): Worker {
  const worker = new Worker(
    PLAN_QUEUE,
    (job, _token, signal) =>
      runJob(job, signal, planJobSchema, options.processor, options.log, (data) => ({ deliveryId: data.deliveryId, event: data.event, repo: data.payload.repository.full_name })),
    workerOptions(options.connection, options.prefix, options.settings),
  );
  logWorkerEvents(worker, options.log);
  return worker;
}

/** A worker of the validate queue: the `gantry/validate` run of a plan job's delivery (same job data). */
export function createValidateWorker<R>(options: StageWorkerOptions<PlanJob, R>): Worker {
  const worker = new Worker(
    VALIDATE_QUEUE,
    (job, _token, signal) =>
      runJob(job, signal, planJobSchema, options.processor, options.log, (data) => ({ deliveryId: data.deliveryId, event: data.event, repo: data.payload.repository.full_name, check: 'gantry/validate' })),
    workerOptions(options.connection, options.prefix, options.settings),
  );
  logWorkerEvents(worker, options.log);
  return worker;
}

/** A worker of the report queue. */
export function createReportWorker<R>(options: StageWorkerOptions<ReportJob, R>): Worker {
  const worker = new Worker(
    REPORT_QUEUE,
    (job, _token, signal) =>
      runJob(job, signal, reportJobSchema, options.processor, options.log, (data) => ({
        deliveryId: data.request.deliveryId,
        env: data.request.environment,
        sha: data.request.sha,
        state: data.state,
      })),
    workerOptions(options.connection, options.prefix, options.settings),
  );
  logWorkerEvents(worker, options.log);
  return worker;
}

/**
 * A worker of the build queue. Its concurrency is the number of builds this process runs at once, independent of
 * deploys. When a build finishes (succeeded, or failed for good or for now) the deploys waiting for it are promoted
 * through `gate`, so they run at once instead of at their fallback time.
 */
export function createBuildWorker<R>(options: StageWorkerOptions<BuildJob, R> & { readonly gate: BuildGate }): Worker {
  const worker = new Worker(
    BUILD_QUEUE,
    (job, token, signal) =>
      runJob(
        job,
        signal,
        buildJobSchema,
        options.processor,
        options.log,
        (data) => ({ deliveryId: data.deliveryId, app: data.app, image: data.image, tag: data.tag, sha: data.sha }),
        token,
      ),
    workerOptions(options.connection, options.prefix, options.settings),
  );
  logWorkerEvents(worker, options.log);
  const release = (jobId: string | undefined) => {
    if (jobId === undefined) return;
    options.gate.release(jobId).catch((error: unknown) => options.log.warn({ err: error, jobId }, 'promoting the deploys waiting for a build failed; they check again at their fallback time'));
  };
  worker.on('completed', (job) => release(job.id));
  worker.on('failed', (job) => release(job?.id));
  return worker;
}
