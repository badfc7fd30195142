import { Queue } from 'bullmq';
import { DeployWorkerPool } from '../../../adapters/queue/deploy-worker-pool.js';
import type { DeployJob } from '../../../adapters/queue/deploy-job.js';
import type { JobContext } from '../../../adapters/queue/job-context.js';
import { PipelineQueues } from '../../../adapters/queue/pipeline-queues.js';
import { deployQueueName, PLAN_QUEUE } from '../../../adapters/queue/queue-names.js';
import { createPlanWorker } from '../../../adapters/queue/stage-workers.js';
import { RETRY_AFTER_BACKOFF } from '../../../adapters/queue/worker-settings.js';
import { DeployError } from '../../../core/deploy-error.js';
import { Reason } from '../../../core/reasons.js';
import { openRedisKit, pushRequest, testLogger, waitFor, type RedisKit } from './queue-test-kit.js';

describe('retries of pipeline jobs', () => {
  let kit: RedisKit;
  let queues: PipelineQueues;

  beforeAll(async () => {
    kit = await openRedisKit('queue-retry');
    // Short, jitter-free backoff so the delays can be measured: 200 ms, then 400 ms.
    queues = new PipelineQueues({ connection: kit.producer, prefix: kit.prefix, jobOptions: { deploy: { attempts: 4, backoff: { type: 'exponential', delay: 200 } } } });
  });
  afterAll(async () => {
    await queues.close();
    await kit.cleanup();
  });

  /** Runs one deploy job of `environment` through a pool with `processor`, until it finished; returns the job. */
  async function runOne(environment: string, processor: (job: DeployJob, ctx: JobContext) => Promise<string>, via: PipelineQueues = queues) {
    const queue = new Queue(deployQueueName(environment), { connection: kit.producer, prefix: kit.prefix });
    const pool = new DeployWorkerPool({ connection: kit.worker, prefix: kit.prefix, processor, log: testLogger() });
    try {
      const { jobId } = await via.enqueueDeploy(pushRequest(environment, 1), await via.nextSequence());
      await pool.start();
      return await waitFor('the job to finish', async () => {
        const job = await queue.getJob(jobId);
        return job?.finishedOn ? job : undefined;
      });
    } finally {
      await pool.close();
      await queue.close();
    }
  }

  it('fails a job at once, without retrying, when the error is terminal', async () => {
    let calls = 0;
    const job = await runOne('terminal', async () => {
      calls++;
      throw new DeployError(Reason.RenderFailed, 'render failed: kustomization.yaml: unknown field "resorces"');
    });

    expect(calls).toBe(1);
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe('RenderFailed: render failed: kustomization.yaml: unknown field "resorces"');
  });

  it('retries a retryable error with exponential backoff and completes when it clears', async () => {
    const attempts: { attempt: number; at: number }[] = [];
    const job = await runOne('transient', async (_job, ctx) => {
      attempts.push({ attempt: ctx.attempt, at: Date.now() });
      if (attempts.length < 3) throw new DeployError(Reason.ClusterUnreachable, 'connect ECONNREFUSED 127.0.0.1:6443');
      return 'deployed';
    });

    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toEqual({ outcome: 'processed', result: 'deployed' });
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(200);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(400);
  });

  it('waits at least what the failure was told to wait (retryAfterMs) with the retry-after backoff, else backs off exponentially', async () => {
    const retryAfter = new PipelineQueues({
      connection: kit.producer,
      prefix: kit.prefix,
      jobOptions: { deploy: { attempts: 4, backoff: { type: RETRY_AFTER_BACKOFF, delay: 100 } } },
    });
    const attempts: number[] = [];
    try {
      const job = await runOne(
        'rate-limited',
        async () => {
          attempts.push(Date.now());
          if (attempts.length === 1) throw Object.assign(new DeployError(Reason.RateLimited, 'GitHub rate limit'), { retryAfterMs: 1_500 });
          if (attempts.length === 2) throw new DeployError(Reason.ApiServerError, 'GitHub answered 502');
          return 'reported';
        },
        retryAfter,
      );

      expect(await job.getState()).toBe('completed');
      expect(attempts).toHaveLength(3);
      expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(1_500);
      // No wait asked: BullMQ's exponential step (100 ms doubled for the second retry).
      expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(200);
    } finally {
      await retryAfter.close();
    }
  });

  it('fails a job whose stored data does not parse without calling the stage', async () => {
    const plan = new Queue(PLAN_QUEUE, { connection: kit.producer, prefix: kit.prefix });
    let calls = 0;
    const worker = createPlanWorker({ connection: kit.worker, prefix: kit.prefix, log: testLogger(), processor: async () => calls++ });
    try {
      await plan.add('push', { event: 'push', deliveryId: 'tampered' }, { jobId: 'tampered', attempts: 3 });
      const job = await waitFor('the job to fail', async () => {
        const found = await plan.getJob('tampered');
        return found?.finishedOn ? found : undefined;
      });
      expect(await job.getState()).toBe('failed');
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toMatch(/job tampered of queue plan has invalid data/);
      expect(calls).toBe(0);
    } finally {
      await worker.close();
      await plan.close();
    }
  });
});
