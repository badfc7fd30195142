import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../../../core/kube/object.js';
import { ClusterError } from '../../../core/ports/cluster-error.js';
import type { ApplyOptions, ApplyResult } from '../../../core/ports/cluster.js';
import { Reason } from '../../../core/reasons.js';
import { commitStatus } from '../../../core/report/commit-status.js';
import { MAX_ROLLBACK_TRIES } from '../../../core/rollback/decide-rollback.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import type { DeployProgress } from '../../../worker/stages/deploy/deploy-progress.js';
import type { DeployStep } from '../../../worker/stages/deploy/deploy-types.js';
import { deployReportOf } from '../../../worker/report-jobs.js';
import { memoryProgress } from '../../../worker/stages/stage-context.js';
import {
  ForwardingCluster,
  createTestRepo,
  openWorkerKit,
  pushRequest,
  ref,
  testContext,
  type TestRepo,
  type WorkerKit,
} from './worker-test-kit.js';

/**
 * FAULT INJECTION around the real cluster: once `failRollbackApplies` is set, every apply of a Deployment answers
 * 503, as an apiserver in trouble would. Nothing real fails on demand with a transient error, and the rollback's
 * bound on transient retries is what is under test. Everything else goes to the real cluster.
 */
class FlakyApplyCluster extends ForwardingCluster {
  failRollbackApplies = false;
  failedApplies = 0;

  override async apply(objects: readonly KubeObject[], options: ApplyOptions): Promise<readonly ApplyResult[]> {
    if (!this.failRollbackApplies || !objects.some((obj) => obj.kind === 'Deployment'))
      return this.inner.apply(objects, options);
    this.failedApplies += 1;
    return objects.map((obj) => {
      const objectRef = ref(obj.apiVersion, obj.kind, obj.metadata.name, obj.metadata.namespace);
      const error = new ClusterError({
        code: 'ServerError',
        operation: 'apply',
        ref: objectRef,
        status: 503,
        detail: 'injected by the test: the apiserver is unavailable',
      });
      return { outcome: 'failed' as const, ref: objectRef, error };
    });
  }
}

type Pod = KubeObject & {
  status?: { containerStatuses?: { state?: { waiting?: { reason?: string } } }[] };
};

describe('deployEnvironment: a rollback that fails is reported loudly and not tried forever', () => {
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
    const repo = await createTestRepo('worker-rollback-failed');
    repos.push(repo);
    return repo;
  }

  /**
   * Makes the running pods of the last good release crash, as a dependency that went away would: the kwok stage
   * `gantry.dev/simulate: fail-after-ready` (test/platform/README.md) turns a Ready pod carrying the label into a
   * crash-looping one. The label goes on the live pods only, not the Deployment: re-applying the good release's
   * manifests brings back the same ReplicaSet and these same pods, which stay broken.
   */
  async function crashLivePods(namespace: string): Promise<void> {
    const pods = await kit.cluster.list({
      apiVersion: 'v1',
      kind: 'Pod',
      namespace,
      labelSelector: 'app.kubernetes.io/name=catalog',
    });
    expect(pods.length).toBeGreaterThan(0);
    const labelled = pods.map((pod) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod.metadata.name, namespace, labels: { 'gantry.dev/simulate': 'fail-after-ready' } },
    }));
    const results = await kit.cluster.apply(labelled, { fieldManager: 'gantry-test-chaos', force: true });
    expect(results.map((result) => result.outcome)).toEqual(pods.map(() => 'applied'));
    const names = new Set(pods.map((pod) => pod.metadata.name));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const live = (await kit.cluster.list({ apiVersion: 'v1', kind: 'Pod', namespace })) as Pod[];
      const crashing = live.filter(
        (pod) =>
          names.has(pod.metadata.name) &&
          pod.status?.containerStatuses?.some((status) => status.state?.waiting?.reason === 'CrashLoopBackOff'),
      );
      if (crashing.length === names.size) return;
      if (Date.now() > deadline) throw new Error(`the good release's pods did not start crashing within 60 s`);
      await sleep(500);
    }
  }

  it('settles as rollback-failed, once, when the last good release is unhealthy too: history shows the failure then the failed rollback', async () => {
    const repo = await newRepo();
    const goodSha = await repo.commit('catalog in dev');
    expect((await deployEnvironment(pushRequest(repo, goodSha), kit.deps, testContext())).outcome).toBe('succeeded');
    await crashLivePods(repo.namespace);
    const badSha = await repo.commit('catalog pods never get ready', { neverReady: true });
    const request = pushRequest(repo, badSha);
    const progress = memoryProgress<DeployStep, DeployProgress>();

    const result = await deployEnvironment(request, kit.deps, testContext(progress));

    expect(result).toMatchObject({
      outcome: 'rollback-failed',
      reason: Reason.RollbackFailed,
      sha: badSha,
      revision: 2,
    });
    expect(result.rolledBackTo).toBeUndefined();
    expect(result.message).toContain(`rolling back to revision 1 (${goodSha.slice(0, 7)}) failed too`);
    // Crash-looping pods are not cured by trying again: one try, then a person is needed.
    expect(result.message).toMatch(/\((CrashLoopBackOff|ProgressDeadlineExceeded), after 1 try\)/);
    expect(result.message).toContain('needs a person');
    expect(progress.get()?.data.rollbackTries).toBe(1);
    const status = commitStatus(deployReportOf(request, result));
    expect(status).toMatchObject({ context: 'deploy/dev', state: 'error' });
    expect(status.description).toMatch(/^ROLLBACK FAILED/);
    const history = await kit.releases(repo.namespace).list();
    expect(history.map((release) => [release.revision, release.commit, release.outcome, release.rollbackOf])).toEqual([
      [3, goodSha, 'failed', 1],
      [2, badSha, 'rollback-failed', undefined],
      [1, goodSha, 'succeeded', undefined],
    ]);
    expect(history[0]?.reason).toBe(Reason.RollbackFailed);
    expect(history[1]?.reason).toBe(Reason.RollbackFailed);
    expect(history[1]?.message).toContain('failed too');

    // The queue delivering the job again (a retry, a recovered stalled job) gets the recorded result: no new try.
    const replay = await deployEnvironment(request, kit.deps, testContext(progress));

    expect(replay).toEqual(result);
    expect(progress.get()?.data.rollbackTries).toBe(1);
    expect((await kit.releases(repo.namespace).list()).map((release) => release.revision)).toEqual([3, 2, 1]);
  });

  it(`retries a rollback that fails for a transient reason at most ${MAX_ROLLBACK_TRIES} times, then settles as rollback-failed`, async () => {
    const flaky = new FlakyApplyCluster(kit.cluster);
    const deps = { ...kit.deps, clusterFor: () => flaky };
    const repo = await newRepo();
    const goodSha = await repo.commit('catalog in dev');
    expect((await deployEnvironment(pushRequest(repo, goodSha), deps, testContext())).outcome).toBe('succeeded');
    const badSha = await repo.commit('catalog pods never get ready', { neverReady: true });
    const progress = memoryProgress<DeployStep, DeployProgress>();
    // The failed rollout is recorded before the rollback starts: from then on, Deployment applies get 503s.
    const arming: typeof progress = {
      ...progress,
      record: async (step, data) => {
        if (step === 'rollout' && data.failure !== undefined) flaky.failRollbackApplies = true;
        await progress.record(step, data);
      },
    };

    const result = await deployEnvironment(pushRequest(repo, badSha), deps, testContext(arming));

    expect(result).toMatchObject({ outcome: 'rollback-failed', reason: Reason.RollbackFailed, revision: 2 });
    expect(result.message).toContain(`(${Reason.ApiServerError}, after ${MAX_ROLLBACK_TRIES} tries)`);
    expect(flaky.failedApplies).toBe(MAX_ROLLBACK_TRIES);
    expect(progress.get()?.data.rollbackTries).toBe(MAX_ROLLBACK_TRIES);
    const history = await kit.releases(repo.namespace).list();
    expect(history.map((release) => [release.revision, release.outcome, release.reason])).toEqual([
      [3, 'failed', Reason.RollbackFailed],
      [2, 'rollback-failed', Reason.RollbackFailed],
      [1, 'succeeded', undefined],
    ]);
  });
});
