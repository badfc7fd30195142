// A worker killed in the middle of a build: the build job is picked up again by another worker once its lock
// expires (never run by two at once, never a second job for the tag), and the deploy waiting for it still waits,
// then deploys with what the recovered build produced.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { BuildGate } from '../../../adapters/queue/build-gate.js';
import type { BuildJob } from '../../../adapters/queue/build-job.js';
import { DeployWorkerPool } from '../../../adapters/queue/deploy-worker-pool.js';
import type { DeployJob } from '../../../adapters/queue/deploy-job.js';
import type { JobContext } from '../../../adapters/queue/job-context.js';
import { PipelineQueues } from '../../../adapters/queue/pipeline-queues.js';
import { BUILD_QUEUE, deployQueueName } from '../../../adapters/queue/queue-names.js';
import { createBuildWorker } from '../../../adapters/queue/stage-workers.js';
import { awaitBuilds, type BuildsOutcome } from '../../../worker/stages/build/await-builds.js';
import { openRedisKit, pushRequest, sleep, testLogger, waitFor, type RedisKit } from './queue-test-kit.js';
import { FAST_RECOVERY } from './stepped-deploy.js';

const CHILD = join(import.meta.dirname, 'build-worker-child.ts');
const ROOT = join(import.meta.dirname, '..', '..', '..');
const DIGEST = `sha256:${'d'.repeat(64)}`;
const TAG = 'src-killed';

describe('a build whose worker process is killed', () => {
  let kit: RedisKit;
  let queues: PipelineQueues;
  let gate: BuildGate;
  let child: ChildProcess | undefined;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    kit = await openRedisKit('build-crash');
    queues = new PipelineQueues({ connection: kit.producer, prefix: kit.prefix });
    gate = new BuildGate(kit.producer, kit.prefix);
  });
  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    for (const close of closers.reverse()) await close();
    await gate.close();
    await queues.close();
    await kit.cleanup();
  });

  it('is built again by another worker, once, and the deploy waits for it and then deploys its digest', async () => {
    const request = pushRequest('crash', 1);
    const build: BuildJob = {
      app: 'catalog',
      image: 'catalog',
      repository: 'shop/catalog',
      tag: TAG,
      repo: request.repo,
      sha: request.sha,
      context: 'apps/catalog',
      dockerfile: 'Dockerfile',
      buildArgs: {},
      checkName: 'build/catalog',
      deliveryId: request.deliveryId,
    };
    const { jobId } = await queues.enqueueBuild(build);
    const ref = { app: 'catalog', image: 'catalog', repository: 'shop/catalog', tag: TAG, jobId };
    const deploy = await queues.enqueueDeploy(request, await queues.nextSequence(), [ref]);

    child = spawn(process.execPath, ['--import', 'tsx', CHILD, kit.url, kit.prefix], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor('the child to start the build', () => output.includes(`building ${TAG}`), 30_000);

    // While it builds, the deploy waits, and another commit needing the same content adds no second build.
    const outcomes = new Map<string, BuildsOutcome>();
    const pool = new DeployWorkerPool({
      connection: kit.worker,
      prefix: kit.prefix,
      log: testLogger(),
      settings: FAST_RECOVERY,
      discoveryIntervalMs: 100,
      processor: async (job: DeployJob, ctx: JobContext) => {
        const outcome = await awaitBuilds(job.request, job.builds, gate, ctx);
        outcomes.set(ctx.jobId, outcome);
        return { kind: outcome.kind };
      },
    });
    await pool.start();
    closers.push(() => pool.close());
    const deployQueue = new Queue(deployQueueName('crash'), { connection: kit.producer, prefix: kit.prefix });
    closers.push(() => deployQueue.close());
    await waitFor(
      'the deploy to wait',
      async () => (await (await deployQueue.getJob(deploy.jobId))?.getState()) === 'delayed',
    );
    expect(await queues.enqueueBuild({ ...build, sha: pushRequest('crash', 2).sha })).toEqual({
      jobId,
      status: 'exists',
    });

    child.kill('SIGKILL');
    await waitFor('the child to exit', () => child?.signalCode === 'SIGKILL');
    const buildQueue = new Queue(BUILD_QUEUE, { connection: kit.producer, prefix: kit.prefix });
    closers.push(() => buildQueue.close());
    expect(await (await buildQueue.getJob(jobId))?.getState()).toBe('active');
    expect(outcomes.size).toBe(0);

    // A second worker: it gets the job only after the dead one's lock expired, and runs it once.
    const runs: number[] = [];
    const worker = createBuildWorker({
      connection: kit.worker,
      prefix: kit.prefix,
      gate,
      log: testLogger(),
      settings: FAST_RECOVERY,
      processor: async (job: BuildJob) => {
        runs.push(Date.now());
        await sleep(200);
        return { repository: `registry.test/${job.repository}`, tag: job.tag, digest: DIGEST };
      },
    });
    closers.push(() => worker.close());
    const outcome = await waitFor(
      'the deploy to run with the recovered build',
      () => outcomes.get(deploy.jobId),
      30_000,
    );
    expect(outcome).toEqual({
      kind: 'ready',
      pins: [{ name: 'shop/catalog', repository: 'registry.test/shop/catalog', tag: TAG, digest: DIGEST }],
    });
    expect(runs).toHaveLength(1);
    expect(await buildQueue.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed')).toEqual({
      completed: 1,
      failed: 0,
      active: 0,
      wait: 0,
      delayed: 0,
    });
  });
});
