import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Reason } from '../../core/reasons.js';
import { claimLane } from './claim-lane.js';
import { APPLY_LANE, deployJobId, deployJobSchema, laneOf, type DeployJob } from './deploy-job.js';
import { readProgress, type JobContext } from './job-context.js';
import type { PipelineQueues } from './pipeline-queues.js';
import { deployQueueName, isEnvironmentName, pipelineKeys, type PipelineKeys } from './queue-names.js';
import { runJob, type JobProcessor } from './run-job.js';
import { logWorkerEvents, workerOptions, type WorkerSettings } from './worker-settings.js';

/** What a deploy job completed with. */
export type DeployJobResult<R> =
  | { readonly outcome: 'superseded'; readonly supersededBy: { readonly sequence: number; readonly sha?: string } }
  | { readonly outcome: 'processed'; readonly result: R };

/** Options of {@link DeployWorkerPool}. */
export interface DeployWorkerPoolOptions<R> {
  /** A `worker` client from createRedisClient; owned by the caller. */
  readonly connection: Redis;
  readonly prefix: string;
  /** Deploys one request; called only for the newest job of its lane. */
  readonly processor: JobProcessor<DeployJob, R>;
  readonly log: Logger;
  /** Lock and stalled-check timings; concurrency is always 1 per environment. */
  readonly settings?: Omit<WorkerSettings, 'concurrency'>;
  /** Where superseded jobs are reported (the report queue). */
  readonly reports?: Pick<PipelineQueues, 'enqueueReport'>;
  /** How often to look for environments that got their first job. Default 2,000 ms. */
  readonly discoveryIntervalMs?: number;
}

interface EnvironmentWorker {
  readonly worker: Worker;
  readonly queue: Queue;
}

/**
 * One BullMQ worker per environment queue (`deploy.<env>`), started as environments appear in the pipeline's
 * environment set (the producer adds an environment there with its first job). Each queue allows one active job
 * across all processes (BullMQ global concurrency), so an environment deploys one request at a time while
 * different environments deploy in parallel; run as many pools (processes) as you like.
 */
export class DeployWorkerPool<R> {
  private readonly keys: PipelineKeys;
  private readonly workers = new Map<string, EnvironmentWorker>();
  private readonly ignored = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private discovering: Promise<readonly string[]> | undefined;
  private closed = false;

  constructor(private readonly options: DeployWorkerPoolOptions<R>) {
    this.keys = pipelineKeys(options.prefix);
  }

  /** Starts workers for the known environments, then keeps looking for new ones. */
  async start(): Promise<void> {
    await this.discover();
    this.timer = setInterval(() => {
      this.discover().catch((error: unknown) => this.options.log.warn({ err: error }, 'environment discovery failed; will try again'));
    }, this.options.discoveryIntervalMs ?? 2_000);
    this.timer.unref();
  }

  /** Starts workers for environments not served yet; returns their names. Safe to call at any time. */
  discover(): Promise<readonly string[]> {
    this.discovering ??= this.discoverOnce().finally(() => {
      this.discovering = undefined;
    });
    return this.discovering;
  }

  /** The environments this pool serves. */
  environments(): readonly string[] {
    return [...this.workers.keys()].sort();
  }

  /** Stops looking for environments and closes every worker, waiting for active jobs to finish. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.discovering?.catch(() => undefined);
    const all = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(all.map(({ worker }) => worker.close()));
    await Promise.all(all.map(({ queue }) => queue.close()));
  }

  private async discoverOnce(): Promise<readonly string[]> {
    const names = (await this.options.connection.smembers(this.keys.environments)).sort();
    const started: string[] = [];
    for (const environment of names) {
      if (this.closed || this.workers.has(environment) || this.ignored.has(environment)) continue;
      if (!isEnvironmentName(environment)) {
        this.ignored.add(environment);
        this.options.log.warn({ environment }, 'ignoring an environment set entry that is not an environment name');
        continue;
      }
      await this.startWorker(environment);
      started.push(environment);
    }
    return started;
  }

  private async startWorker(environment: string): Promise<void> {
    const { connection, prefix, log } = this.options;
    const name = deployQueueName(environment);
    const queue = new Queue(name, { connection, prefix });
    queue.on('error', (error) => log.warn({ err: error, queue: name }, 'queue error'));
    // Idempotent; repeated here so the limit holds even if Redis lost it (a restart without persistence).
    await queue.setGlobalConcurrency(1);
    const processor = this.latestWins(queue);
    const worker = new Worker(
      name,
      (job, token, signal) =>
        runJob(job, signal, deployJobSchema, processor, log, (data) => ({ deliveryId: data.request.deliveryId, env: environment, sha: data.request.sha, lane: laneOf(data.request) }), token),
      workerOptions(connection, prefix, { ...this.options.settings, concurrency: 1 }),
    );
    logWorkerEvents(worker, log);
    this.workers.set(environment, { worker, queue });
    log.info({ environment, queue: name }, 'serving environment');
  }

  /**
   * The processor, behind the "is a newer request of this lane accepted?" check made as each run starts. In the
   * `apply` lane (pushes), a run that resumes recorded progress is never superseded: its release is in flight
   * (applied in part, a canary mid-walk), so it finishes, promoted, failed or rolled back, before a newer request
   * deploys; a newest job that finds such an interrupted job waiting for its retry wakes it and waits behind it.
   * Preview lanes keep plain latest-wins: a closed pull request raises its lane to supersede even a deploy in flight,
   * which must not recreate the namespace its teardown deleted.
   */
  private latestWins(queue: Queue): JobProcessor<DeployJob, DeployJobResult<R>> {
    return async (job, ctx) => {
      const lane = laneOf(job.request);
      const claim = await claimLane(this.options.connection, this.keys, job.request.environment, lane, job.sequence);
      const inFlightFirst = lane === APPLY_LANE;
      if (inFlightFirst && ctx.resumeFrom !== undefined) {
        if (claim.kind !== 'newest')
          ctx.log.info({ newerSequence: claim.newerSequence }, 'resuming a deploy in flight before the newer request of its lane');
        return { outcome: 'processed', result: await this.options.processor(job, ctx) };
      }
      if (claim.kind === 'newest') {
        const interrupted = inFlightFirst ? await interruptedBefore(queue, lane, job.sequence) : undefined;
        if (interrupted !== undefined) {
          ctx.log.info({ interrupted: interrupted.id }, 'waiting behind the interrupted deploy of the same lane');
          await interrupted.promote().catch(() => undefined);
          return ctx.sleepUntil(Date.now() + INTERRUPTED_RECHECK_MS);
        }
        return { outcome: 'processed', result: await this.options.processor(job, ctx) };
      }
      const supersededBy = { sequence: claim.newerSequence, sha: await newerSha(queue, lane, claim.newerSequence) };
      await this.reportSuperseded(job, supersededBy, ctx);
      return { outcome: 'superseded', supersededBy };
    };
  }

  private async reportSuperseded(job: DeployJob, by: { sequence: number; sha?: string }, ctx: JobContext): Promise<void> {
    const newer = by.sha ? by.sha.slice(0, 7) : `request #${by.sequence}`;
    const description = `superseded by ${newer}: a newer commit was queued for ${job.request.environment}`;
    ctx.log.info({ supersededBy: by }, `${description}; not deployed`);
    await this.options.reports?.enqueueReport({
      request: job.request,
      sequence: job.sequence,
      state: 'superseded',
      reason: Reason.Superseded,
      description,
      supersededBy: by,
    });
  }
}

/** How soon a job waiting behind an interrupted one looks again (the interrupted one is woken at once). */
const INTERRUPTED_RECHECK_MS = 1_000;

/**
 * An older job of `lane` that recorded progress (a run of it started deploying) and waits for its retry, delayed by
 * its backoff or back in `wait` after a crash; undefined when there is none. The queue of one environment is short.
 */
async function interruptedBefore(queue: Queue, lane: string, sequence: number): Promise<Job | undefined> {
  const jobs = await queue.getJobs(['delayed', 'wait', 'prioritized']);
  return jobs.find((candidate) => {
    const parsed = deployJobSchema.safeParse(candidate.data);
    return (
      parsed.success &&
      laneOf(parsed.data.request) === lane &&
      parsed.data.sequence < sequence &&
      readProgress(candidate) !== undefined
    );
  });
}

/** The commit of the lane's newer job, if it is still stored. */
async function newerSha(queue: Queue, lane: string, sequence: number): Promise<string | undefined> {
  const job = await queue.getJob(deployJobId(lane, sequence));
  const parsed = deployJobSchema.safeParse(job?.data);
  return parsed.success ? parsed.data.request.sha : undefined;
}
