import { Reason } from '../../../core/reasons.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import {
  createTestRepo,
  liveByName,
  openWorkerKit,
  pushRequest,
  ref,
  testContext,
  type TestRepo,
  type WorkerKit,
} from './worker-test-kit.js';

describe('deployEnvironment: a rollout that fails is rolled back to the last good release', () => {
  let kit: WorkerKit;
  const repos: TestRepo[] = [];

  beforeAll(async () => {
    kit = await openWorkerKit();
  });
  afterAll(async () => {
    await kit.close(repos.map((repo) => repo.namespace));
    for (const repo of repos) await repo.git.cleanup();
  });

  async function newRepo(): Promise<TestRepo> {
    const repo = await createTestRepo('worker-rollback');
    repos.push(repo);
    return repo;
  }

  it('rolls back pods that never become ready: the previous ReplicaSet serves, and history shows the failure then the rollback', async () => {
    const repo = await newRepo();
    const goodSha = await repo.commit('catalog in dev');
    expect((await deployEnvironment(pushRequest(repo, goodSha), kit.deps, testContext())).outcome).toBe('succeeded');
    const goodReplicaSet = (await kit.cluster.readRollout(ref('apps/v1', 'Deployment', 'catalog', repo.namespace)))
      .replicaSets[0];
    const badSha = await repo.commit('catalog pods never get ready', { neverReady: true });

    const result = await deployEnvironment(pushRequest(repo, badSha), kit.deps, testContext());

    expect(result).toMatchObject({
      outcome: 'rolled-back',
      sha: badSha,
      revision: 2,
      rolledBackTo: { revision: 1, sha: goodSha },
    });
    expect([Reason.CrashLoopBackOff, Reason.ProgressDeadlineExceeded]).toContain(result.reason);
    expect(result.message).toContain(`rolled back to revision 1 (${goodSha.slice(0, 7)})`);
    expect(result.ref).toMatchObject({ kind: 'Deployment', name: 'catalog' });
    const rollout = await kit.cluster.readRollout(ref('apps/v1', 'Deployment', 'catalog', repo.namespace));
    const serving = rollout.replicaSets.filter(
      (rs) => ((rs['status'] as { availableReplicas?: number }).availableReplicas ?? 0) > 0,
    );
    expect(serving.map((rs) => rs.metadata.name)).toEqual([goodReplicaSet?.metadata.name]);
    expect(rollout.workload?.['status']).toMatchObject({ availableReplicas: 2, updatedReplicas: 2 });
    const template = (rollout.workload?.['spec'] as { template: { metadata: { labels: Record<string, string> } } })
      .template;
    expect(template.metadata.labels['gantry.dev/simulate']).toBeUndefined();
    const history = await kit.releases(repo.namespace).list();
    expect(history.map((release) => [release.revision, release.commit, release.outcome, release.rollbackOf])).toEqual([
      [3, goodSha, 'succeeded', 1],
      [2, badSha, 'rolled-back', undefined],
      [1, goodSha, 'succeeded', undefined],
    ]);
    expect(history[1]?.reason).toBe(result.reason);
  });

  it('leaves a failed rollout in place, saying why, when the environment turns automatic rollback off', async () => {
    const repo = await newRepo();
    const goodSha = await repo.commit('catalog in dev', { automaticRollback: false });
    await deployEnvironment(pushRequest(repo, goodSha), kit.deps, testContext());
    const badSha = await repo.commit('catalog pods never get ready', { neverReady: true, automaticRollback: false });

    const result = await deployEnvironment(pushRequest(repo, badSha), kit.deps, testContext());

    expect(result).toMatchObject({ outcome: 'failed', revision: 2 });
    expect(result.rolledBackTo).toBeUndefined();
    expect(result.message).toContain('automatic rollback is off');
    const history = await kit.releases(repo.namespace).list();
    expect(history.map((release) => [release.revision, release.outcome])).toEqual([
      [2, 'failed'],
      [1, 'succeeded'],
    ]);
    const deployment = (await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment')).get('catalog');
    const labels = (deployment?.['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template
      .metadata.labels;
    expect(labels['gantry.dev/simulate']).toBe('never-ready');
  });

  it('cannot roll back a first deploy that fails: there is no earlier good release', async () => {
    const repo = await newRepo();
    const sha = await repo.commit('catalog pods never get ready', { neverReady: true });

    const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

    expect(result).toMatchObject({ outcome: 'failed', revision: 1 });
    expect(result.message).toContain('no earlier good release');
    expect((await kit.releases(repo.namespace).list()).map((release) => release.outcome)).toEqual(['failed']);
  });
});
