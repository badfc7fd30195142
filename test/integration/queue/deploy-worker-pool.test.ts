import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DeployWorkerPool, type DeployJobResult } from '../../../adapters/queue/deploy-worker-pool.js';
import type { DeployJob } from '../../../adapters/queue/deploy-job.js';
import type { JobContext } from '../../../adapters/queue/job-context.js';
import { PipelineQueues } from '../../../adapters/queue/pipeline-queues.js';
import { deployQueueName, REPORT_QUEUE } from '../../../adapters/queue/queue-names.js';
import { createRedisClient } from '../../../adapters/queue/redis-client.js';
import { reportJobSchema } from '../../../adapters/queue/report-job.js';
import { diffRequest, openRedisKit, pushRequest, ready, sha, sleep, testLogger, waitFor, type RedisKit } from './queue-test-kit.js';

/** One run of the deploy processor, as it saw it. */
interface Run {
  readonly pool: string;
  readonly environment: string;
  readonly sha: string;
  readonly start: number;
  readonly end: number;
}

type Result = DeployJobResult<{ deployed: string }>;

describe('DeployWorkerPool: one deployment per environment at a time, latest wins', () => {
  let kit: RedisKit;
  let queues: PipelineQueues;
  let secondWorkerClient: Redis;
  const pools: DeployWorkerPool<{ deployed: string }>[] = [];
  const runs: Run[] = [];

  /** A pool whose processor takes `ms` and records its run. */
  async function startPool(name: string, ms: number, connection: Redis = kit.worker): Promise<void> {
    const processor = async (job: DeployJob, _ctx: JobContext) => {
      const start = Date.now();
      await sleep(ms);
      runs.push({ pool: name, environment: job.request.environment, sha: job.request.sha, start, end: Date.now() });
      return { deployed: job.request.sha };
    };
    const pool = new DeployWorkerPool({ connection, prefix: kit.prefix, processor, log: testLogger(), reports: queues, discoveryIntervalMs: 100 });
    pools.push(pool);
    await pool.start();
  }

  async function enqueue(request: ReturnType<typeof pushRequest>): Promise<void> {
    await queues.enqueueDeploy(request, await queues.nextSequence());
  }

  /** Waits until `count` jobs of the environment's queue finished, and returns their results by sha. */
  async function finished(environment: string, count: number): Promise<Map<string, Result>> {
    const queue = new Queue(deployQueueName(environment), { connection: kit.producer, prefix: kit.prefix });
    try {
      await waitFor(`${count} finished jobs in ${environment}`, async () => (await queue.getJobCountByTypes('completed', 'failed')) >= count);
      const jobs = await queue.getJobs(['completed']);
      return new Map(jobs.map((job) => [(job.data as DeployJob).request.sha, job.returnvalue as Result]));
    } finally {
      await queue.close();
    }
  }

  async function activeCount(environment: string): Promise<number> {
    const queue = new Queue(deployQueueName(environment), { connection: kit.producer, prefix: kit.prefix });
    try {
      return await queue.getActiveCount();
    } finally {
      await queue.close();
    }
  }

  const runsOf = (environment: string) => runs.filter((run) => run.environment === environment).sort((a, b) => a.start - b.start);

  beforeAll(async () => {
    kit = await openRedisKit('queue-pool');
    queues = new PipelineQueues({ connection: kit.producer, prefix: kit.prefix, log: testLogger() });
    secondWorkerClient = createRedisClient({ url: kit.url, role: 'worker' });
    secondWorkerClient.on('error', () => undefined);
    await ready(secondWorkerClient);
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.close()));
  });
  afterAll(async () => {
    await queues.close();
    await secondWorkerClient.quit();
    await kit.cleanup();
  });

  it('never runs two jobs of one environment at once, even with two pools competing for them', async () => {
    await startPool('first', 120);
    await startPool('second', 120, secondWorkerClient);
    // Six pull requests: six lanes, so nothing is superseded and every job runs.
    for (let pr = 1; pr <= 6; pr++) await enqueue(diffRequest('serial', pr));

    await finished('serial', 6);
    const serial = runsOf('serial');
    expect(serial).toHaveLength(6);
    for (let i = 1; i < serial.length; i++) expect(serial[i]!.start).toBeGreaterThanOrEqual(serial[i - 1]!.end);
  });

  it('runs different environments in parallel', async () => {
    await startPool('first', 800);
    await startPool('second', 800, secondWorkerClient);
    await Promise.all([enqueue(pushRequest('left', 1)), enqueue(pushRequest('right', 1))]);

    await Promise.all([finished('left', 1), finished('right', 1)]);
    const [left] = runsOf('left');
    const [right] = runsOf('right');
    expect(left!.start).toBeLessThan(right!.end);
    expect(right!.start).toBeLessThan(left!.end);
  });

  it('deploys ten quick pushes in order, ends on the newest, and completes the skipped ones as superseded', async () => {
    await startPool('only', 150);
    for (let n = 1; n <= 10; n++) await enqueue(pushRequest('rapid', n));

    const results = await finished('rapid', 10);
    const deployed = runsOf('rapid').map((run) => run.sha);
    expect(deployed.at(-1)).toBe(sha(10));
    expect([...deployed].sort()).toEqual(deployed);
    expect(deployed.length).toBeLessThan(10);
    for (let n = 1; n <= 10; n++) {
      const result = results.get(sha(n));
      if (deployed.includes(sha(n))) expect(result).toEqual({ outcome: 'processed', result: { deployed: sha(n) } });
      else expect(result).toMatchObject({ outcome: 'superseded', supersededBy: { sha: expect.any(String) } });
    }
    const reports = new Queue(REPORT_QUEUE, { connection: kit.producer, prefix: kit.prefix });
    try {
      const superseded = (await reports.getJobs(['wait'])).map((job) => reportJobSchema.parse(job.data)).filter((r) => r.request.environment === 'rapid');
      expect(superseded.map((r) => r.request.sha).sort()).toEqual([...Array(10).keys()].map((i) => sha(i + 1)).filter((s) => !deployed.includes(s)));
      expect(superseded.every((r) => r.state === 'superseded' && r.reason === 'Superseded')).toBe(true);
    } finally {
      await reports.close();
    }
  });

  it('runs the newest job of a burst next, ahead of the older ones waiting behind the running deploy', async () => {
    await startPool('only', 300);
    await enqueue(pushRequest('burst-next', 1));
    await waitFor('the first deploy to start', async () => (await activeCount('burst-next')) === 1);
    for (let n = 2; n <= 10; n++) await enqueue(pushRequest('burst-next', n));

    const results = await finished('burst-next', 10);
    expect(runsOf('burst-next').map((run) => run.sha)).toEqual([sha(1), sha(10)]);
    for (let n = 2; n <= 9; n++) expect(results.get(sha(n))).toMatchObject({ outcome: 'superseded', supersededBy: { sha: sha(10) } });
    const finishedAt = async (n: number) => {
      const queue = new Queue(deployQueueName('burst-next'), { connection: kit.producer, prefix: kit.prefix });
      try {
        const job = (await queue.getJobs(['completed'])).find((j) => (j.data as DeployJob).request.sha === sha(n));
        return job?.finishedOn ?? Infinity;
      } finally {
        await queue.close();
      }
    };
    // The newest was not held back until the eight older ones had been found superseded.
    expect(await finishedAt(10)).toBeLessThan(await finishedAt(2));
  });

  it('deploys only the newest commit when pushes arrived while no worker was running', async () => {
    for (let n = 1; n <= 10; n++) await enqueue(pushRequest('offline', n));
    await startPool('late', 50);

    const results = await finished('offline', 10);
    expect(runsOf('offline').map((run) => run.sha)).toEqual([sha(10)]);
    expect(results.get(sha(1))).toMatchObject({ outcome: 'superseded', supersededBy: { sha: sha(10) } });
  });

  // Plan jobs run several at once (GANTRY_PLAN_CONCURRENCY), so the plan of an older push can add its deploy job
  // after the plan of a newer one did: each deploy job carries its delivery's acceptance order, not the add order.
  it('never deploys an older commit whose plan finished after a newer one was deployed', async () => {
    await startPool('only', 50);
    const [older, newer] = [await queues.nextSequence(), await queues.nextSequence()];
    await queues.enqueueDeploy(pushRequest('late-plan', 2), newer);
    await finished('late-plan', 1);
    await queues.enqueueDeploy(pushRequest('late-plan', 1), older);

    const results = await finished('late-plan', 2);
    expect(runsOf('late-plan').map((run) => run.sha)).toEqual([sha(2)]);
    expect(results.get(sha(1))).toMatchObject({ outcome: 'superseded', supersededBy: { sequence: newer, sha: sha(2) } });
  });

  it('never deploys an older commit whose plan finished while the newer one was still waiting or deploying', async () => {
    await startPool('only', 300);
    const [first, older, newer] = [await queues.nextSequence(), await queues.nextSequence(), await queues.nextSequence()];
    // The environment is busy with an earlier deploy, so both the newer and the late older job wait behind it.
    await queues.enqueueDeploy(pushRequest('late-plan-busy', 1), first);
    await waitFor('the first deploy to start', async () => (await activeCount('late-plan-busy')) === 1);
    await queues.enqueueDeploy(pushRequest('late-plan-busy', 3), newer);
    await queues.enqueueDeploy(pushRequest('late-plan-busy', 2), older);

    const results = await finished('late-plan-busy', 3);
    const deployed = runsOf('late-plan-busy').map((run) => run.sha);
    expect(deployed.at(-1)).toBe(sha(3));
    expect(deployed).not.toContain(sha(2));
    expect(results.get(sha(2))).toMatchObject({ outcome: 'superseded', supersededBy: { sequence: newer } });
  });

  it('finishes a deploy interrupted in flight before a newer commit of its lane, which waits behind it', async () => {
    // The first run of sha(1) records progress (its release is in flight), lets sha(2) be queued, and fails
    // transiently: it waits for its retry (backoff) while sha(2) is the lane's newest and the queue's only waiting job.
    let queued!: () => void;
    const newerQueued = new Promise<void>((resolve) => (queued = resolve));
    const order: string[] = [];
    const processor = async (job: DeployJob, ctx: JobContext) => {
      const label = `${job.request.sha === sha(1) ? 'first' : 'newer'}${ctx.resumeFrom ? ' (resumed)' : ''}`;
      order.push(label);
      if (label === 'first') {
        await ctx.progress({ step: 'apply', data: {} });
        await newerQueued;
        throw new Error('the cluster went away for a moment');
      }
      return { deployed: job.request.sha };
    };
    const pool = new DeployWorkerPool({ connection: kit.worker, prefix: kit.prefix, processor, log: testLogger(), reports: queues, discoveryIntervalMs: 100 });
    pools.push(pool);
    await pool.start();
    await enqueue(pushRequest('in-flight', 1));
    await waitFor('the first run to start', () => order.length > 0);
    await enqueue(pushRequest('in-flight', 2));
    queued();

    const results = await finished('in-flight', 2);
    expect(order.filter((label) => label !== 'newer')).toEqual(['first', 'first (resumed)']);
    expect(order.at(-1)).toBe('newer');
    expect(order.indexOf('newer')).toBeGreaterThan(order.indexOf('first (resumed)'));
    expect(results.get(sha(1))).toEqual({ outcome: 'processed', result: { deployed: sha(1) } });
    expect(results.get(sha(2))).toEqual({ outcome: 'processed', result: { deployed: sha(2) } });
  });

  it("still supersedes a preview's deploy in flight once its pull request closed, so it cannot recreate the namespace", async () => {
    let closed!: () => void;
    const prClosed = new Promise<void>((resolve) => (closed = resolve));
    const order: string[] = [];
    const processor = async (job: DeployJob, ctx: JobContext) => {
      order.push(ctx.resumeFrom ? 'resumed' : 'first');
      await ctx.progress({ step: 'apply', data: {} });
      await prClosed;
      throw new Error('the cluster went away for a moment');
    };
    const pool = new DeployWorkerPool({ connection: kit.worker, prefix: kit.prefix, processor, log: testLogger(), reports: queues, discoveryIntervalMs: 100 });
    pools.push(pool);
    await pool.start();
    const preview = { ...pushRequest('previewed', 1), target: { kind: 'preview', namespace: 'shop-pr-4' } } as const;
    await enqueue(preview);
    await waitFor('the first run to start', () => order.length > 0);
    await queues.supersedePreview('previewed', 'shop-pr-4', await queues.nextSequence());
    closed();

    const results = await finished('previewed', 1);
    expect(order).toEqual(['first']);
    expect(results.get(sha(1))).toMatchObject({ outcome: 'superseded' });
  });

  it('discovers an environment that got its first job after the pool started', async () => {
    await startPool('watching', 10);
    await enqueue(pushRequest('newcomer', 1));

    await finished('newcomer', 1);
    expect(pools[0]!.environments()).toContain('newcomer');
  });
});

describe("why not BullMQ's deduplication alone", () => {
  let kit: RedisKit;
  beforeAll(async () => {
    kit = await openRedisKit('queue-dedup');
  });
  afterAll(() => kit.cleanup());

  it('drops the newer job while the first one waits with no worker: the newest commit would be lost', async () => {
    const queue = new Queue('deploy.dedup', { connection: kit.producer, prefix: kit.prefix });
    try {
      const deduplication = { id: 'dedup-env', replace: true, keepLastIfActive: true };
      await queue.add('apply', { sha: sha(1) }, { deduplication });
      await queue.add('apply', { sha: sha(2) }, { deduplication });

      const waiting = await queue.getJobs(['wait']);
      expect(waiting.map((job) => (job.data as { sha: string }).sha)).toEqual([sha(1)]);
    } finally {
      await queue.close();
    }
  });
});
