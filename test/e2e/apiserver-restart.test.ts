// The apiserver restarted in the middle of a deploy (a control-plane upgrade, a crash): the deploy converges (the
// job retries from its recorded progress), the environment ends with every object applied and one succeeded
// release, and the live-state cache recovers (its watches re-list), so a hand edit afterwards is still seen and
// corrected. Restarts a platform component: needs a platform of its own (see test/platform/restart.ts).
import { kubectl, uniqueName } from '../platform/connect.js';
import { ZERO_SHA } from '../platform/github-emulator/index.js';
import { restartablePlatform, restartComponent } from '../platform/restart.js';
import {
  createTestRepo,
  ENV,
  liveByName,
  openWorkerKit,
  overlayFiles,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import { deliverPush, eventually, startPipeline, statusStates, type Pipeline } from './pipeline-kit.js';

/** Enough ConfigMaps that the apply takes a while: the restart lands inside the deploy. */
const BULK = 300;

describe('the apiserver restarted in the middle of a deploy', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let repo: TestRepo;

  beforeAll(async () => {
    restartablePlatform(); // before anything is deployed: a shared platform is refused at once
    kit = await openWorkerKit();
    pipeline = await startPipeline();
    repo = await createTestRepo('apiserver-restart');
  }, 30_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close(repo ? [repo.namespace] : []);
    await repo?.git.cleanup();
  });

  const bulk = async () =>
    [...(await liveByName(kit.cluster, repo.namespace, 'v1', 'ConfigMap')).keys()].filter((n) => n.startsWith('bulk-'));

  it('converges: every object applied, one succeeded release, deploy/dev success; drift is still seen afterwards', async () => {
    const name = uniqueName('shop');
    const files = { ...overlayFiles(repo.namespace) } as Record<string, string | null>;
    const dir = `environments/${ENV}`;
    files[`${dir}/kustomization.yaml`] = files[`${dir}/kustomization.yaml`]!.replace(
      '  - namespace.yaml\n',
      '  - namespace.yaml\n  - bulk.yaml\n',
    );
    files[`${dir}/bulk.yaml`] = Array.from(
      { length: BULK },
      (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bulk-${i}\ndata:\n  index: "${i}"\n`,
    ).join('---\n');
    const sha = await repo.git.commitAndPush('catalog and many ConfigMaps in dev', files);

    expect((await deliverPush(pipeline, repo, name, ZERO_SHA, sha)).status).toBe(202);
    // Mid-deploy: the apply has begun (some objects exist) and the deploy has not finished.
    await eventually(bulk, (names) => names.length > 0, 60_000);
    expect(await statusStates(pipeline.github, name, sha, `deploy/${ENV}`)).not.toContain('success');
    await restartComponent('kube-apiserver');

    const states = await eventually(
      () => statusStates(pipeline.github, name, sha, `deploy/${ENV}`),
      (s) => s.some((state) => state !== 'pending'),
      180_000,
    );
    expect(states.filter((state) => state !== 'pending')).toEqual(['success']);
    expect(await bulk()).toHaveLength(BULK);
    const history = await kit.releases(repo.namespace).list();
    expect(history.map((release) => [release.commit, release.outcome])).toEqual([[sha, 'succeeded']]);

    // The cache's watches came back: a hand edit is seen and corrected.
    await kubectl(
      '-n',
      repo.namespace,
      'patch',
      'configmap',
      'bulk-7',
      '--type=merge',
      '--field-manager=kubectl-edit',
      '-p',
      '{"data":{"index":"edited"}}',
    );
    await eventually(
      async () =>
        (
          (await liveByName(kit.cluster, repo.namespace, 'v1', 'ConfigMap')).get('bulk-7') as unknown as {
            data: { index: string };
          }
        ).data.index,
      (index) => index === '7',
      60_000,
    );
  }, 300_000);
});
