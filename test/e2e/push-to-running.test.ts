// Proof 1: a commit pushed and delivered as a signed `push` webhook ends with the environment's Deployments
// Available in the apiserver, its release recorded `succeeded`, and `deploy/dev` pending → success plus a successful
// check run in the GitHub emulator. The repository holds the catalog app only (orders' PVC would stay Pending: the
// local platform has no volume provisioner).
import { ZERO_SHA } from '../platform/github-emulator/index.js';
import { uniqueName } from '../platform/connect.js';
import {
  createTestRepo,
  ENV,
  liveByName,
  openWorkerKit,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import {
  completedCheckRuns,
  deliverPush,
  eventually,
  startPipeline,
  statusStates,
  type Pipeline,
} from './pipeline-kit.js';

describe('push to running: webhook → plan → deploy → report, on the local platform', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let repo: TestRepo;

  beforeAll(async () => {
    kit = await openWorkerKit();
    pipeline = await startPipeline();
    repo = await createTestRepo('e2e-push');
  }, 30_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close(repo ? [repo.namespace] : []);
    await repo?.git.cleanup();
  });

  it('deploys a pushed commit, records the release, and reports pending then success with a successful check run', async () => {
    const name = uniqueName('shop');
    const sha = await repo.commit('catalog in dev');

    const delivery = await deliverPush(pipeline, repo, name, ZERO_SHA, sha);

    expect(delivery.status).toBe(202);
    const states = await eventually(
      () => statusStates(pipeline.github, name, sha, `deploy/${ENV}`),
      (s) => s.some((state) => state !== 'pending'),
      120_000,
    );
    expect(states).toEqual(['pending', 'success']);
    const deployments = await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment');
    expect([...deployments.keys()]).toEqual(['catalog']);
    for (const deployment of deployments.values()) {
      const conditions = (deployment['status'] as { conditions?: { type: string; status: string }[] }).conditions ?? [];
      expect(conditions).toContainEqual(expect.objectContaining({ type: 'Available', status: 'True' }));
      expect(deployment['status']).toMatchObject({ availableReplicas: 2, updatedReplicas: 2 });
    }
    const history = await kit.releases(repo.namespace).list();
    expect(history.map((release) => [release.commit, release.outcome])).toEqual([[sha, 'succeeded']]);
    // The deploy's check run (gantry/validate runs beside it, in its own job).
    const runs = (await completedCheckRuns(pipeline.github, name, sha, [`deploy/${ENV}`])).filter((run) => run.name.startsWith('deploy/'));
    expect(runs.map((run) => [run.name, run.status, run.conclusion])).toEqual([
      [`deploy/${ENV}`, 'completed', 'success'],
    ]);
    expect(runs[0]?.output.summary).toContain('catalog');
  }, 150_000);
});
