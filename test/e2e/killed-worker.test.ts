// Proof 4: a worker process killed with SIGKILL in the middle of an apply. The deploy job stays active with its
// recorded progress; once its lock expires another worker takes it, resumes the apply, and the environment ends
// consistent: Deployment Available, every object applied, exactly one succeeded release, GitHub success. The kill
// lands in the environment's first deploy, while the worker's live-state cache is cold; the survivor starts cold too,
// and drift is corrected afterwards.
import { Queue, type Job } from 'bullmq';
import { type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import type { Redis } from 'ioredis';
import { createRedisClient } from '../../adapters/queue/index.js';
import { readProgress } from '../../adapters/queue/job-context.js';
import { deployQueueName, queuePrefix } from '../../adapters/queue/queue-names.js';
import { startWorker, type RunningWorker } from '../../worker/compose.js';
import type { WorkerConfig } from '../../worker/read-worker-config.js';
import { kubectl, need, uniqueName } from '../platform/connect.js';
import { buildPushPayload, deliverWebhook, ZERO_SHA } from '../platform/github-emulator/index.js';
import { SECRET, startWebhook, type RunningWebhook } from '../integration/webhook/webhook-test-kit.js';
import {
  catalogBase,
  ENV,
  liveByName,
  openWorkerKit,
  overlayFiles,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import { createGitFixture, type GitFixture } from '../platform/git-fixtures.js';
import { eventually, OWNER, statusStates } from './pipeline-kit.js';
import { e2eWorkerOverrides, startWorkerProcess } from './worker-process.js';

/** Enough ConfigMaps that applying them takes a while: the kill lands inside the apply step. */
const BULK = 300;

/** The overlay plus `BULK` ConfigMaps, in one file the kustomization lists. */
function bulkyOverlay(namespace: string): Record<string, string | null> {
  const files = { ...overlayFiles(namespace) } as Record<string, string | null>;
  const dir = `environments/${ENV}`;
  files[`${dir}/kustomization.yaml`] = files[`${dir}/kustomization.yaml`]!.replace(
    '  - namespace.yaml\n',
    '  - namespace.yaml\n  - bulk.yaml\n',
  );
  files[`${dir}/bulk.yaml`] = Array.from(
    { length: BULK },
    (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bulk-${i}\ndata:\n  index: "${i}"\n`,
  ).join('---\n');
  return files;
}

/** What the deploy recorded last: the step and its cumulative data. */
interface RecordedProgress {
  readonly step: string;
  readonly data?: { readonly revision?: number; readonly timings?: Record<string, number> };
}

describe('a worker process killed with SIGKILL in the middle of an apply', () => {
  let kit: WorkerKit;
  let git: GitFixture;
  let producer: Redis;
  let webhook: RunningWebhook;
  let deployQueue: Queue;
  let gitCacheDir: string;
  let child: ChildProcess | undefined;
  let survivor: RunningWorker | undefined;
  const namespace = uniqueName('e2e-killed');
  const queueNamespace = uniqueName('e2e');

  beforeAll(async () => {
    kit = await openWorkerKit();
    git = await createGitFixture();
    await git.writeFiles(await catalogBase());
    producer = createRedisClient({ url: need('redis').url, role: 'producer', name: 'e2e-killed-webhook' });
    producer.on('error', () => undefined);
    await new Promise<void>((resolve) => producer.once('ready', () => resolve()));
    webhook = await startWebhook(producer, queuePrefix(queueNamespace));
    deployQueue = new Queue(deployQueueName(ENV), { connection: producer, prefix: queuePrefix(queueNamespace) });
    gitCacheDir = await mkdtemp(join(tmpdir(), 'gantry-e2e-mirrors-'));
  }, 30_000);
  afterAll(async () => {
    if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await survivor?.close();
    await deployQueue?.close();
    await webhook?.close();
    await producer?.quit().catch(() => producer.disconnect());
    await kit?.close([namespace]);
    await git?.cleanup();
    if (gitCacheDir) await rm(gitCacheDir, { recursive: true, force: true });
  });

  it('completes the job on another worker, and the environment ends consistent', async () => {
    const github = need('github');
    const config: WorkerConfig = {
      redisUrl: need('redis').url,
      queuePrefix: queueNamespace,
      kubeconfig: need('kubernetes').kubeconfig,
      gitCacheDir,
      github: { baseUrl: github.url, auth: { type: 'token', token: github.token }, writeIntervalMs: 0 },
      logLevel: 'silent',
    };
    const started = startWorkerProcess(config);
    child = started.child;
    await eventually(
      async () => started.output(),
      (text) => text.includes('ready') || child?.exitCode !== null,
      30_000,
    );
    expect(started.output()).toContain('ready');
    const name = uniqueName('shop');
    const sha = await git.commitAndPush('catalog and many ConfigMaps in dev', bulkyOverlay(namespace));

    const payload = buildPushPayload({
      repository: { owner: OWNER, name, cloneUrl: git.cloneUrl },
      ref: 'refs/heads/main',
      before: ZERO_SHA,
      after: sha,
    });
    expect((await deliverWebhook({ url: webhook.url, secret: SECRET, event: 'push', payload })).status).toBe(202);

    // Mid-apply: the release is recorded (step 6 done) and the apply step (7) is not finished.
    const midApply = (progress: RecordedProgress | undefined) =>
      progress?.data?.revision !== undefined && progress.data.timings?.['apply'] === undefined;
    let job: Job | undefined;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      job = (await deployQueue.getJobs(['active']))[0];
      if (job && midApply(readProgress(job) as RecordedProgress | undefined)) break;
      job = undefined;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(job?.id).toBeDefined();
    child.kill('SIGKILL');
    await eventually(
      async () => child?.signalCode,
      (signal) => signal === 'SIGKILL',
      10_000,
    );

    // The dead worker's job is still active, its progress inside the apply, and part of the render not yet applied.
    const orphan = await deployQueue.getJob(job!.id!);
    expect(await orphan?.getState()).toBe('active');
    expect(midApply(readProgress(orphan!) as RecordedProgress | undefined)).toBe(true);
    const bulkAtKill = [...(await liveByName(kit.cluster, namespace, 'v1', 'ConfigMap')).keys()].filter((n) =>
      n.startsWith('bulk-'),
    );
    const deploymentsAtKill = await liveByName(kit.cluster, namespace, 'apps/v1', 'Deployment');
    expect(bulkAtKill.length < BULK || !deploymentsAtKill.has('catalog')).toBe(true);

    survivor = await startWorker(config, e2eWorkerOverrides());

    const states = await eventually(
      () => statusStates(new Octokit({ baseUrl: github.url, auth: github.token }), name, sha, `deploy/${ENV}`),
      (s) => s.some((state) => state !== 'pending'),
      120_000,
    );
    expect(states.at(-1)).toBe('success');
    expect(states.filter((state) => state !== 'pending')).toEqual(['success']);
    // The report job can write the status before BullMQ has marked the deploy job completed: wait for that state.
    const done = await deployQueue.getJob(job!.id!);
    expect(
      await eventually(
        async () => done?.getState(),
        (state) => state === 'completed',
        10_000,
      ),
    ).toBe('completed');
    expect(done?.attemptsStarted).toBeGreaterThanOrEqual(2);

    const history = await kit.releases(namespace).list();
    expect(history.map((release) => [release.commit, release.outcome])).toEqual([[sha, 'succeeded']]);
    const deployments = await liveByName(kit.cluster, namespace, 'apps/v1', 'Deployment');
    const conditions =
      (deployments.get('catalog')?.['status'] as { conditions?: { type: string; status: string }[] } | undefined)
        ?.conditions ?? [];
    expect(conditions).toContainEqual(expect.objectContaining({ type: 'Available', status: 'True' }));
    const bulk = [...(await liveByName(kit.cluster, namespace, 'v1', 'ConfigMap')).keys()].filter((n) =>
      n.startsWith('bulk-'),
    );
    expect(bulk).toHaveLength(BULK);

    // The survivor took the job over with a cold cache; the deploy it finished taught its memo what was applied,
    // and its watches are live: a hand edit now is seen and corrected.
    await kubectl('-n', namespace, 'patch', 'configmap', 'bulk-3', '--type=merge', '--field-manager=kubectl-edit', '-p', '{"data":{"index":"edited"}}');
    await eventually(
      async () => ((await liveByName(kit.cluster, namespace, 'v1', 'ConfigMap')).get('bulk-3')?.['data'] as { index?: string } | undefined)?.index,
      (index) => index === '3',
      60_000,
    );
  }, 240_000);
});
