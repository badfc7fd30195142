// A worker process killed with SIGKILL while a canary's route is at a middle step. The job stays active with its
// recorded progress; another worker takes it once its lock expires and resumes the walk at the step the release
// records: the route, recorded from a watch, never goes back to 100/0 (0 % canary) before the promotion.
import { Queue, type Job } from 'bullmq';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import type { Redis } from 'ioredis';
import type { KubeObject } from '../../core/kube/object.js';
import { createRedisClient } from '../../adapters/queue/index.js';
import { deployQueueName, queuePrefix } from '../../adapters/queue/queue-names.js';
import { startWorker, type RunningWorker } from '../../worker/compose.js';
import type { WorkerConfig } from '../../worker/read-worker-config.js';
import { need, uniqueName } from '../platform/connect.js';
import { buildPushPayload, deliverWebhook, GitHubEmulatorClient, ZERO_SHA } from '../platform/github-emulator/index.js';
import { SECRET, startWebhook, type RunningWebhook } from '../integration/webhook/webhook-test-kit.js';
import {
  canaryOverlay,
  catalogBase,
  ENV,
  liveByName,
  openWorkerKit,
  shortCanary,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import { GATEWAY_API, imageOf, watchSplits } from '../integration/worker/canary-test-kit.js';
import { createGitFixture, type GitFixture } from '../platform/git-fixtures.js';
import { eventually, OWNER, statusStates } from './pipeline-kit.js';
import { e2eWorkerOverrides, startWorkerProcess } from './worker-process.js';

describe('a worker process killed with SIGKILL while a canary is at a middle step', () => {
  let kit: WorkerKit;
  let git: GitFixture;
  let producer: Redis;
  let webhook: RunningWebhook;
  let deployQueue: Queue;
  let gitCacheDir: string;
  let child: ChildProcess | undefined;
  let survivor: RunningWorker | undefined;
  const namespace = uniqueName('e2e-canary-killed');
  const queueNamespace = uniqueName('e2e');
  const gateway = { name: 'shop-gateway', namespace };

  beforeAll(async () => {
    kit = await openWorkerKit();
    git = await createGitFixture();
    await git.writeFiles(await catalogBase());
    producer = createRedisClient({ url: need('redis').url, role: 'producer', name: 'e2e-canary-killed-webhook' });
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

  it('resumes the walk on another worker at the recorded step, and promotes', async () => {
    const github = need('github');
    const octokit = new Octokit({ baseUrl: github.url, auth: github.token });
    const config: WorkerConfig = {
      redisUrl: need('redis').url,
      queuePrefix: queueNamespace,
      kubeconfig: need('kubernetes').kubeconfig,
      gitCacheDir,
      github: { baseUrl: github.url, auth: { type: 'token', token: github.token } },
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
    const push = async (sha: string, before: string) => {
      const payload = buildPushPayload({
        repository: { owner: OWNER, name, cloneUrl: git.cloneUrl },
        ref: 'refs/heads/main',
        before,
        after: sha,
      });
      expect((await deliverWebhook({ url: webhook.url, secret: SECRET, event: 'push', payload })).status).toBe(202);
    };
    const outcome = (sha: string) =>
      eventually(
        () => statusStates(octokit, name, sha, `deploy/${ENV}`),
        (states) => states.some((state) => state !== 'pending'),
        120_000,
      );

    // The first release of catalog is applied in place (nothing runs yet to canary against).
    const first = await git.commitAndPush('catalog 0.1.0 in a canary environment', {
      ...canaryOverlay(namespace, {}, gateway),
      'apps/catalog/app.yaml': await shortCanary('1s', '2s', '1s'),
    });
    await push(first, ZERO_SHA);
    expect((await outcome(first)).at(-1)).toBe('success');
    const gatewayObject: KubeObject = {
      apiVersion: GATEWAY_API,
      kind: 'Gateway',
      metadata: { name: gateway.name, namespace },
      spec: { gatewayClassName: 'local', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    };
    expect((await kit.cluster.apply([gatewayObject], { fieldManager: 'platform-team' }))[0]?.outcome).toBe('applied');

    // The fault: the worker process is killed once the route holds the middle step's split.
    const route = await watchSplits(namespace, (split) => {
      if (split === '50/50') child?.kill('SIGKILL');
    });
    try {
      const second = await git.commitAndPush('catalog 0.2.0, canaried in three short steps', {
        ...canaryOverlay(namespace, { image: { name: 'registry.local/shop/catalog', tag: '0.2.0' } }, gateway),
        'apps/catalog/app.yaml': await shortCanary('1s', '2s', '1s'),
      });
      await push(second, first);
      await eventually(
        async () => child?.signalCode,
        (signal) => signal === 'SIGKILL',
        120_000,
      );

      // The dead worker's job is still active, and the release records the canary at its middle step.
      const [job]: (Job | undefined)[] = await deployQueue.getJobs(['active']);
      expect(job).toBeDefined();
      const atKill = (await kit.releases(namespace).list()).find((release) => release.commit === second);
      expect(atKill?.canaries).toEqual([
        expect.objectContaining({ app: 'catalog', phase: 'stepping', step: 1, weights: { stable: 50, canary: 50 } }),
      ]);

      survivor = await startWorker(config, e2eWorkerOverrides());

      const states = await outcome(second);
      expect(states.filter((state) => state !== 'pending')).toEqual(['success']);
      await route.until('100/0');
      // Every split the live HTTPRoute held, in order: resumed at 50/50, never back at 100/0 before the promotion.
      expect(route.seen).toEqual(['80/20', '50/50', '20/80', '100/0']);
      const done = await deployQueue.getJob(job!.id!);
      expect(
        await eventually(
          async () => done?.getState(),
          (state) => state === 'completed',
          10_000,
        ),
      ).toBe('completed');
      expect(done?.attemptsStarted).toBeGreaterThanOrEqual(2);
      const history = [...(await kit.releases(namespace).list())].sort((a, b) => a.revision - b.revision);
      expect(history.map((release) => [release.commit, release.outcome])).toEqual([
        [first, 'succeeded'],
        [second, 'succeeded'],
      ]);
      expect(history.at(-1)?.canaries).toEqual([expect.objectContaining({ phase: 'promoted', step: 2, steps: 3 })]);
      // The check run of the second commit showed each step as the walk reached it, across both workers.
      const emulator = new GitHubEmulatorClient(github.url);
      const created = (await emulator.calls({ operationId: 'checks/create' })).find(
        (call) => {
          const body = call.requestBody as { head_sha?: string; name?: string };
          return call.path.startsWith(`/repos/${OWNER}/${name}/`) && body.head_sha === second && body.name?.startsWith('deploy/') === true;
        },
      );
      const checkRunId = (created?.responseBody as { id: number } | undefined)?.id;
      expect(checkRunId).toBeDefined();
      const stands = (await emulator.calls({ operationId: 'checks/update' }))
        .filter((call) => call.path === `/repos/${OWNER}/${name}/check-runs/${checkRunId}`)
        .map((call) => (call.requestBody as { output?: { summary?: string } }).output?.summary ?? '')
        .map((summary) => summary.match(/^\| catalog \|.*$/gm)?.at(-1)?.split(' | ')[2])
        .filter((stand): stand is string => stand?.endsWith('(now)') === true);
      expect(stands.filter((stand, i) => stand !== stands[i - 1])).toEqual(['1 of 3 (now)', '2 of 3 (now)', '3 of 3 (now)']);
    } finally {
      route.stop();
    }
    const deployments = await liveByName(kit.cluster, namespace, 'apps/v1', 'Deployment');
    expect(imageOf(deployments.get('catalog'))).toBe('registry.local/shop/catalog:0.2.0');
    expect((deployments.get('catalog-canary')?.spec as { replicas?: number } | undefined)?.replicas).toBe(0);
  }, 300_000);
});
