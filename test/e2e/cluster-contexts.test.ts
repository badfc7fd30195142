// Issue 7, item 1: env.yaml's `cluster` decides which cluster an environment reaches. The worker's kubeconfig here
// has two contexts: the current one points at an API server that does not exist, the one dev names points at the
// platform's real apiserver. One push reaches two environments: dev deploys to the real cluster; `lost` names a
// context the kubeconfig lacks and fails on its own, named, with nothing applied anywhere.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName } from '../platform/connect.js';
import { ZERO_SHA } from '../platform/github-emulator/index.js';
import type { FixtureFiles } from '../platform/git-fixtures.js';
import {
  createTestRepo,
  ENV,
  liveByName,
  openWorkerKit,
  overlayFiles,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import {
  completedCheckRuns,
  deliverPush,
  eventually,
  startPipeline,
  statusStates,
  twoContextKubeconfig,
  type Pipeline,
} from './pipeline-kit.js';

const REAL = 'gantry-real';
const ABSENT = 'arn:aws:eks:us-east-1:123456789012:cluster/prod-eks';

/** dev's overlay in `namespace` with env.yaml's cluster replaced by `cluster`, as environment `name`. */
function environmentFiles(name: string, namespace: string, cluster: string): FixtureFiles {
  const files: Record<string, string | Uint8Array | null> = {};
  for (const [path, content] of Object.entries(overlayFiles(namespace))) {
    const renamed = path.replace(`environments/${ENV}/`, `environments/${name}/`);
    files[renamed] =
      typeof content === 'string' && path.endsWith('/env.yaml')
        ? content.replace(`name: ${ENV}\n`, `name: ${name}\n`).replace('cluster:\n  name: local\n', cluster)
        : content;
  }
  return files;
}

describe('env.yaml cluster.context decides the cluster, through the whole pipeline', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let repo: TestRepo;
  let dir: string;
  let kubeconfig: string;
  const lostNamespace = uniqueName('e2e-lost');

  beforeAll(async () => {
    kit = await openWorkerKit();
    dir = await mkdtemp(join(tmpdir(), 'gantry-contexts-'));
    kubeconfig = await twoContextKubeconfig(dir, REAL);
    pipeline = await startPipeline({ kubeconfig });
    repo = await createTestRepo('e2e-ctx');
  }, 30_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close(repo ? [repo.namespace, lostNamespace] : []);
    await repo?.git.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('deploys dev through its context, not the current one, and fails `lost` naming the missing context', async () => {
    const name = uniqueName('shop');
    const sha = await repo.git.commitAndPush('dev and lost on two clusters', {
      ...environmentFiles(ENV, repo.namespace, `cluster:\n  name: local\n  context: ${REAL}\n`),
      ...environmentFiles('lost', lostNamespace, `cluster:\n  name: prod-eks\n  context: ${ABSENT}\n`),
    });

    await deliverPush(pipeline, repo, name, ZERO_SHA, sha);

    const done = (states: string[]) => states.includes('success') || states.includes('failure');
    const dev = await eventually(() => statusStates(pipeline.github, name, sha, `deploy/${ENV}`), done, 90_000);
    const lost = await eventually(() => statusStates(pipeline.github, name, sha, 'deploy/lost'), done, 90_000);
    expect(dev).toContain('success');
    expect(lost).toContain('failure');

    // dev reached the real apiserver through its own context.
    const deployment = (await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment')).get('catalog');
    expect(deployment?.['status']).toMatchObject({ availableReplicas: 2 });

    // lost: the check run names the context and the kubeconfig; nothing was created, applied or recorded.
    const runs = await completedCheckRuns(pipeline.github, name, sha, [`deploy/${ENV}`, 'deploy/lost']);
    const summary = runs.find((run) => run.name === 'deploy/lost')?.output.summary ?? '';
    expect(summary).toContain('InvalidConfig');
    expect(summary).toContain(ABSENT);
    expect(summary).toContain(kubeconfig);
    const namespaces = await kit.cluster.list({ apiVersion: 'v1', kind: 'Namespace' });
    expect(namespaces.map((ns) => ns.metadata.name)).not.toContain(lostNamespace);
    expect(await kit.releases(lostNamespace).list()).toEqual([]);
  }, 150_000);
});
