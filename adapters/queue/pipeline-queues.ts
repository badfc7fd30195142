import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DeployRequest } from '../../core/deploy/deploy-request.js';
import type { GitHubDelivery } from '../../core/deploy/map-github-event.js';
import { buildJobId, type BuildJob, type BuildRef } from './build-job.js';
import { APPLY_LANE, deployJobId, laneOf, previewLane, type DeployJob } from './deploy-job.js';
import { QueueUnavailableError, withDeadline } from './errors.js';
import { BUILD_JOB_OPTIONS, DEPLOY_JOB_OPTIONS, PLAN_JOB_OPTIONS, REPORT_JOB_OPTIONS, VALIDATE_JOB_OPTIONS } from './job-options.js';
import { toPlanJob, type PlanJob } from './plan-job.js';
import { BUILD_QUEUE, deployQueueName, pipelineKeys, PLAN_QUEUE, REPORT_QUEUE, VALIDATE_QUEUE, type PipelineKeys } from './queue-names.js';
import { reportJobId, type ReportJob } from './report-job.js';

/** Options of {@link PipelineQueues}. */
export interface PipelineQueuesOptions {
  /** A `producer` client from createRedisClient; owned by the caller. */
  readonly connection: Redis;
  /** BullMQ prefix, from queuePrefix(): `{gantry}`. */
  readonly prefix: string;
  /** The longest an enqueue may take before it counts as "Redis unavailable". Default 2,000 ms. */
  readonly deadlineMs?: number;
  /** Overrides of the job options in job-options.ts (tests use short backoffs). */
  readonly jobOptions?: { readonly plan?: JobsOptions; readonly deploy?: JobsOptions; readonly report?: JobsOptions; readonly build?: JobsOptions };
  readonly log?: Logger;
}

/** What became of a delivery. */
export interface EnqueuePlanResult {
  /** `duplicate`: a job with this delivery id already exists (a redelivery); nothing was added. */
  readonly status: 'accepted' | 'duplicate';
  readonly jobId: string;
  /** The acceptance order given to a new job. */
  readonly sequence?: number;
}

/**
 * EXISTS KEYS[1], INCR KEYS[2], as one script rather than a MULTI: ioredis builds each MULTI by copying every script
 * BullMQ has defined on the connection onto a new pipeline object, which cost a tenth of the webhook's CPU per
 * delivery (bench/webhook-ingest.ts --profile).
 */
const EXISTS_THEN_INCR = "return { redis.call('EXISTS', KEYS[1]), redis.call('INCR', KEYS[2]) }";

/** GitHub sends UUIDs; BullMQ rejects integer-like ids and ids with `:`. */
const DELIVERY_ID = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;

/** True when `id` can be a plan job id (GitHub's `X-GitHub-Delivery` always can). */
export function isUsableDeliveryId(id: string): boolean {
  return DELIVERY_ID.test(id);
}

/**
 * The producer side of the pipeline's queues: everything the webhook and the stages add. Every method resolves only
 * once Redis has acknowledged the write, and rejects with {@link QueueUnavailableError} within `deadlineMs` when it
 * cannot.
 */
export class PipelineQueues {
  private readonly client: Redis;
  private readonly keys: PipelineKeys;
  private readonly deadlineMs: number;
  private readonly queues = new Map<string, Queue>();
  /** Environments whose queue this process has already limited to one active job and registered. */
  private readonly registered = new Set<string>();

  constructor(private readonly options: PipelineQueuesOptions) {
    this.client = options.connection;
    this.keys = pipelineKeys(options.prefix);
    this.deadlineMs = options.deadlineMs ?? 2_000;
  }

  /**
   * Adds the plan job for a verified `push` or `pull_request` delivery, under its delivery id, unless a job with
   * that id exists: GitHub's "Redeliver" reuses the id, and the kept job (24 h) makes the redelivery a no-op.
   */
  async enqueuePlan(delivery: GitHubDelivery): Promise<EnqueuePlanResult> {
    if (!isUsableDeliveryId(delivery.deliveryId)) throw new Error(`delivery id "${delivery.deliveryId}" cannot be a job id`);
    return withDeadline(this.addPlan(delivery), this.deadlineMs, 'enqueueing the plan job');
  }

  /**
   * Adds a deploy job to the request's environment queue and records it as the newest of its lane, so older jobs
   * of the lane still waiting complete as superseded. `sequence` is the plan job's (the delivery's acceptance order).
   */
  async enqueueDeploy(request: DeployRequest, sequence: number, builds?: readonly BuildRef[]): Promise<{ readonly jobId: string; readonly queue: string }> {
    return withDeadline(this.addDeploy(request, sequence, builds), this.deadlineMs, 'enqueueing the deploy job');
  }

  /**
   * Adds the build of one image at one content tag, once: the job id is the repository and tag, so every commit and
   * environment needing that content shares one job. A build of that tag that failed for good is retried (the
   * failure may have been the registry or the builder, and someone asked again); a waiting, running or finished one
   * is left alone. Returns the job id deploys wait for.
   */
  async enqueueBuild(build: BuildJob): Promise<{ readonly jobId: string; readonly status: 'added' | 'exists' | 'retried' }> {
    return withDeadline(this.addBuild(build), this.deadlineMs, 'enqueueing the build job');
  }

  /**
   * Adds the `gantry/validate` run of a plan job's delivery, once per delivery (the job id is the plan job's): a
   * retried plan job adds nothing twice.
   */
  async enqueueValidate(job: PlanJob): Promise<{ readonly jobId: string }> {
    const jobId = `validate-${job.deliveryId}`;
    const add = this.ready(VALIDATE_QUEUE).then((queue) =>
      queue.add(job.event, job, { ...VALIDATE_JOB_OPTIONS, ...this.options.jobOptions?.plan, jobId }),
    );
    await withDeadline(add, this.deadlineMs, 'enqueueing the validate job');
    return { jobId };
  }

  /** Adds a report job; the same request, sequence and state are one job. */
  async enqueueReport(report: ReportJob): Promise<{ readonly jobId: string }> {
    const jobId = reportJobId(report, laneOf(report.request));
    const add = this.ready(REPORT_QUEUE).then((queue) => queue.add(report.state, report, { ...REPORT_JOB_OPTIONS, ...this.options.jobOptions?.report, jobId }));
    await withDeadline(add, this.deadlineMs, 'enqueueing the report job');
    return { jobId };
  }

  /**
   * Marks a preview's lane as taken by `sequence` (a pull request's `closed`): its deploy jobs accepted earlier are
   * superseded when they start, so a queued deploy never recreates a preview that is being torn down.
   */
  async supersedePreview(environment: string, namespace: string, sequence: number): Promise<void> {
    this.assertConnected();
    const lane = previewLane(namespace);
    await withDeadline(this.client.zadd(this.keys.latest(environment), 'GT', sequence, lane), this.deadlineMs, 'ZADD');
  }

  /** The next acceptance order number, for requests that do not come from a delivery (the CLI). */
  async nextSequence(): Promise<number> {
    this.assertConnected();
    return withDeadline(this.client.incr(this.keys.sequence), this.deadlineMs, 'INCR');
  }

  /** True when Redis answers PING within `timeoutMs`. */
  async ping(timeoutMs = 1_000): Promise<boolean> {
    try {
      this.assertConnected();
      return (await withDeadline(this.client.ping(), timeoutMs, 'PING')) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Closes the queues (not the connection, which the caller owns). */
  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(queues.map((queue) => queue.close()));
  }

  private async addPlan(delivery: GitHubDelivery): Promise<EnqueuePlanResult> {
    const queue = await this.ready(PLAN_QUEUE);
    const jobId = delivery.deliveryId;
    // One round trip answers both "seen before?" and "which number is it?". Two identical deliveries racing here
    // both pass the check, but BullMQ's add is atomic per id: one job is stored, the other add is a no-op.
    const [exists, sequence] = (await this.client.eval(EXISTS_THEN_INCR, 2, queue.toKey(jobId), this.keys.sequence)) as [number, number];
    if (exists === 1) return { status: 'duplicate', jobId };
    const job = toPlanJob(delivery, sequence);
    await queue.add(job.event, job, { ...PLAN_JOB_OPTIONS, ...this.options.jobOptions?.plan, jobId });
    return { status: 'accepted', jobId, sequence };
  }

  private async addBuild(build: BuildJob): Promise<{ jobId: string; status: 'added' | 'exists' | 'retried' }> {
    const queue = await this.ready(BUILD_QUEUE);
    const jobId = buildJobId(build.repository, build.tag);
    const existing = await queue.getJob(jobId);
    if (existing) {
      if ((await existing.getState()) !== 'failed') return { jobId, status: 'exists' };
      await existing.retry('failed');
      return { jobId, status: 'retried' };
    }
    await queue.add(`${build.app}/${build.image}`, build, { ...BUILD_JOB_OPTIONS, ...this.options.jobOptions?.build, jobId });
    return { jobId, status: 'added' };
  }

  private async addDeploy(request: DeployRequest, sequence: number, builds?: readonly BuildRef[]): Promise<{ jobId: string; queue: string }> {
    const environment = request.environment;
    const queue = await this.deployQueue(environment);
    const lane = laneOf(request);
    const jobId = deployJobId(lane, sequence);
    const data: DeployJob = { request, sequence, ...(builds && builds.length > 0 && { builds: [...builds] }) };
    // A push's deploy goes to the front (`lifo`): of the jobs waiting behind the environment's running deploy, the
    // newest push runs next, instead of after every older push of a burst was picked up and found superseded one at
    // a time (17 of them took 2.5 s in bench:push). Order within the lane comes from the sequence claim, never from
    // the queue. Pull requests' diffs and previews keep first come, first served: preview.maxConcurrent's slots go
    // to the pull requests that asked first.
    const lifo = lane === APPLY_LANE;
    await queue.add(lane, data, { ...DEPLOY_JOB_OPTIONS, ...this.options.jobOptions?.deploy, jobId, lifo });
    // After the add, not before: a crash in between leaves the newer job un-announced (an older waiting job may
    // still deploy first, in order), never an announced job that does not exist (which would skip a deploy).
    await this.client.zadd(this.keys.latest(environment), 'GT', sequence, lane);
    return { jobId, queue: queue.name };
  }

  /** The environment's queue; on first use, limited to one active job cluster-wide and announced to workers. */
  private async deployQueue(environment: string): Promise<Queue> {
    const name = deployQueueName(environment);
    const queue = await this.ready(name);
    if (!this.registered.has(environment)) {
      // The limit is set before the environment is announced, so no worker ever serves it without the limit.
      await queue.setGlobalConcurrency(1);
      await this.client.sadd(this.keys.environments, environment);
      this.registered.add(environment);
    }
    return queue;
  }

  /**
   * A connected queue. BullMQ's queue waits for its connection's first `ready` and keeps a failed start for good,
   * so queues are created only on a live connection and dropped when their start fails.
   */
  private async ready(name: string): Promise<Queue> {
    this.assertConnected();
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.client, prefix: this.options.prefix });
      queue.on('error', (error) => this.options.log?.warn({ err: error, queue: name }, 'queue error'));
      this.queues.set(name, queue);
    }
    try {
      await queue.waitUntilReady();
      return queue;
    } catch (cause) {
      this.queues.delete(name);
      void queue.close().catch(() => undefined);
      throw new QueueUnavailableError(`queue ${name} could not start`, { cause });
    }
  }

  private assertConnected(): void {
    if (this.client.status !== 'ready') throw new QueueUnavailableError(`Redis connection is ${this.client.status}`);
  }
}
