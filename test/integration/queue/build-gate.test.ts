// The join between builds and deploys on real Redis: one build job per content tag whoever needs it, deploys that
// wait for it without holding their environment, and a failed build failing the deploys that need it. The build
// processor here is a plain function (the builders have their own tests); everything else is the real queue layer.
import { Queue } from 'bullmq';
import { BuildGate } from '../../../adapters/queue/build-gate.js';
import type { BuildJob, BuildRef } from '../../../adapters/queue/build-job.js';
import { DeployWorkerPool } from '../../../adapters/queue/deploy-worker-pool.js';
import type { DeployJob } from '../../../adapters/queue/deploy-job.js';
import type { JobContext } from '../../../adapters/queue/job-context.js';
import { PipelineQueues } from '../../../adapters/queue/pipeline-queues.js';
import { deployQueueName } from '../../../adapters/queue/queue-names.js';
import { createBuildWorker } from '../../../adapters/queue/stage-workers.js';
import { DeployError } from '../../../core/deploy-error.js';
import { Reason } from '../../../core/reasons.js';
import { awaitBuilds, type BuildsOutcome } from '../../../worker/stages/build/await-builds.js';
import { diffRequest, openRedisKit, pushRequest, testLogger, waitFor, type RedisKit } from './queue-test-kit.js';

const DIGEST = `sha256:${'b'.repeat(64)}`;

function buildJob(tag: string, app = 'catalog'): BuildJob {
  const request = pushRequest('dev', 1);
  return {
    app,
    image: app,
    repository: `shop/${app}`,
    tag,
    repo: request.repo,
    sha: request.sha,
    context: `apps/${app}`,
    dockerfile: 'Dockerfile',
    buildArgs: {},
    checkName: `build/${app}`,
    deliveryId: request.deliveryId,
  };
}

describe('BuildGate: deploys wait for the builds they need', () => {
  let kit: RedisKit;
  let queues: PipelineQueues;
  let gate: BuildGate;
  let pool: DeployWorkerPool<{ outcome: string; images?: string[] }>;
  const closers: (() => Promise<void>)[] = [];
  /** Builds started, by tag: how many times each ran. */
  const buildRuns = new Map<string, number>();
  /** Tags whose build may finish; a build polls this, so the test decides when each ends. */
  const released = new Set<string>();
  /** Tags whose build fails for good. */
  const broken = new Set<string>();
  /** Deploy outcomes by job id, and the moments each deploy ran for real. */
  const deployed = new Map<string, BuildsOutcome>();

  beforeAll(async () => {
    kit = await openRedisKit('build-gate');
    queues = new PipelineQueues({
      connection: kit.producer,
      prefix: kit.prefix,
      jobOptions: { build: { attempts: 1 } },
    });
    gate = new BuildGate(kit.producer, kit.prefix);
    const log = testLogger();
    const worker = createBuildWorker({
      connection: kit.worker,
      prefix: kit.prefix,
      gate,
      log,
      settings: { concurrency: 4 },
      processor: async (job: BuildJob) => {
        buildRuns.set(job.tag, (buildRuns.get(job.tag) ?? 0) + 1);
        await waitFor(`release of ${job.tag}`, () => released.has(job.tag), 60_000);
        if (broken.has(job.tag)) throw new DeployError(Reason.BuildFailed, `RUN npm ci failed (exit 1)`);
        return { repository: `registry.test/${job.repository}`, tag: job.tag, digest: DIGEST };
      },
    });
    closers.push(() => worker.close());
    pool = new DeployWorkerPool({
      connection: kit.worker,
      prefix: kit.prefix,
      log,
      reports: queues,
      discoveryIntervalMs: 100,
      processor: async (job: DeployJob, ctx: JobContext) => {
        const outcome = await awaitBuilds(job.request, job.builds, gate, ctx);
        deployed.set(`${job.request.environment}/${ctx.jobId}`, outcome);
        return outcome.kind === 'ready'
          ? { outcome: 'deployed', images: outcome.pins.map((pin) => `${pin.repository}@${pin.digest}`) }
          : { outcome: 'failed' };
      },
    });
    await pool.start();
  });

  afterAll(async () => {
    await pool.close();
    for (const close of closers) await close();
    await gate.close();
    await queues.close();
    await kit.cleanup();
  });

  async function refFor(tag: string, app = 'catalog'): Promise<Extract<BuildRef, { jobId: string }>> {
    const { jobId } = await queues.enqueueBuild(buildJob(tag, app));
    return { app, image: app, repository: `shop/${app}`, tag, jobId };
  }

  it('builds one content tag once for two environments, and deploys both with its digest once it is built', async () => {
    const tag = 'src-shared';
    const first = await refFor(tag);
    const again = await queues.enqueueBuild(buildJob(tag));
    expect(again).toEqual({ jobId: first.jobId, status: 'exists' });
    const dev = await queues.enqueueDeploy(pushRequest('dev', 10), await queues.nextSequence(), [first]);
    const staging = await queues.enqueueDeploy(pushRequest('staging', 10), await queues.nextSequence(), [first]);
    await waitFor('the build to start', () => buildRuns.get(tag) === 1);
    const devQueue = new Queue(deployQueueName('dev'), { connection: kit.producer, prefix: kit.prefix });
    closers.push(() => devQueue.close());
    const devState = async () => (await devQueue.getJob(dev.jobId))?.getState();
    await waitFor("dev's deploy to sleep until the build is done", async () => (await devState()) === 'delayed');
    // While dev's deploy waits for the build, dev's queue is free: a pull request's dry run there runs to its end.
    const diff = await queues.enqueueDeploy(diffRequest('dev', 7), await queues.nextSequence());
    await waitFor('the dry run to finish while the deploy waits', () => deployed.has(`dev/${diff.jobId}`));
    expect(deployed.has(`dev/${dev.jobId}`)).toBe(false);
    expect(deployed.has(`staging/${staging.jobId}`)).toBe(false);
    expect(await devState()).toBe('delayed');

    released.add(tag);
    // Promoted by the finished build, well before the 10 s fallback.
    const outcome = await waitFor('both deploys to run', () => deployed.get(`dev/${dev.jobId}`), 8_000);
    await waitFor('staging to run', () => deployed.get(`staging/${staging.jobId}`), 8_000);
    expect(outcome).toEqual({
      kind: 'ready',
      pins: [{ name: 'shop/catalog', repository: 'registry.test/shop/catalog', tag, digest: DIGEST }],
    });
    expect(deployed.get(`staging/${staging.jobId}`)).toEqual(outcome);
    expect(buildRuns.get(tag)).toBe(1);
  });

  it('fails the deploy naming the app whose build failed, and retries that build when asked again', async () => {
    const tag = 'src-broken';
    broken.add(tag);
    released.add(tag);
    const ref = await refFor(tag, 'orders');
    const job = await queues.enqueueDeploy(pushRequest('qa', 20), await queues.nextSequence(), [ref]);
    const outcome = await waitFor('the deploy to give up', () => deployed.get(`qa/${job.jobId}`), 15_000);
    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') return;
    expect(outcome.result).toMatchObject({ outcome: 'failed', reason: Reason.BuildDependencyFailed });
    expect(outcome.result.message).toMatch(/^build of orders \(orders\) failed: .*RUN npm ci failed/);
    expect(await queues.enqueueBuild(buildJob(tag, 'orders'))).toEqual({ jobId: ref.jobId, status: 'retried' });
    await waitFor('the retried build to run', () => buildRuns.get(tag) === 2);
  });

  it('deploys at once with images the registry already held', async () => {
    const built: BuildRef = {
      app: 'storefront',
      image: 'storefront',
      repository: 'shop/storefront',
      tag: 'src-held',
      built: { repository: 'registry.test/shop/storefront', tag: 'src-held', digest: DIGEST },
    };
    const job = await queues.enqueueDeploy(pushRequest('prod', 30), await queues.nextSequence(), [built]);
    const outcome = await waitFor('the deploy', () => deployed.get(`prod/${job.jobId}`));
    expect(outcome).toEqual({
      kind: 'ready',
      pins: [{ name: 'shop/storefront', repository: 'registry.test/shop/storefront', tag: 'src-held', digest: DIGEST }],
    });
  });
});
