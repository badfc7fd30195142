import type { KubeObject } from '../../../core/kube/object.js';
import type { ApplyOptions, ApplyResult } from '../../../core/ports/cluster.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import type { DeployProgress } from '../../../worker/stages/deploy/deploy-progress.js';
import type { DeployStep } from '../../../worker/stages/deploy/deploy-types.js';
import { memoryProgress } from '../../../worker/stages/stage-context.js';
import {
  ForwardingCluster,
  createTestRepo,
  liveByName,
  openWorkerKit,
  pushRequest,
  testContext,
  type TestRepo,
  type WorkerKit,
} from './worker-test-kit.js';

/**
 * The real cluster, with every apply call's kinds written down and a hook after each call: how the test cuts a run
 * short at a chosen point, as a killed worker would be.
 */
class WatchedCluster extends ForwardingCluster {
  readonly applied: string[][] = [];
  afterApply: (objects: readonly KubeObject[]) => void = () => undefined;

  override async apply(objects: readonly KubeObject[], options: ApplyOptions): Promise<readonly ApplyResult[]> {
    const results = await this.inner.apply(objects, options);
    this.applied.push(objects.map((obj) => obj.kind));
    this.afterApply(objects);
    return results;
  }
}

describe('deployEnvironment: a run cut short resumes from its recorded progress', () => {
  let kit: WorkerKit;
  let watched: WatchedCluster;
  let repo: TestRepo;

  beforeAll(async () => {
    const base = await openWorkerKit();
    watched = new WatchedCluster(base.cluster);
    kit = { ...base, deps: { ...base.deps, clusterFor: () => watched, releaseStore: base.deps.releaseStore } };
    repo = await createTestRepo('worker-resume');
  });
  afterAll(async () => {
    await kit.close([repo.namespace]);
    await repo.git.cleanup();
  });

  it('finishes a run aborted mid-apply: only the remaining stages are applied, one release is recorded, the ChangeSet is the first run’s', async () => {
    const sha = await repo.commit('catalog in dev', { featureFlags: true });
    const request = pushRequest(repo, sha);
    const progress = memoryProgress<DeployStep, DeployProgress>();
    const abort = new AbortController();
    watched.afterApply = (objects) => {
      if (objects.some((obj) => obj.kind === 'ConfigMap')) abort.abort(new Error('worker stopped mid-apply'));
    };

    await expect(deployEnvironment(request, kit.deps, testContext(progress, abort.signal))).rejects.toThrow(
      'worker stopped mid-apply',
    );

    const cut = progress.get();
    expect(cut?.step).toBe('apply');
    expect(cut?.data.revision).toBe(1);
    expect(cut?.data.appliedStages).toBe(3); // namespaces, identity, config
    expect((await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment')).has('catalog')).toBe(false);
    const firstChangeSet = cut?.data.changeSet;
    watched.afterApply = () => undefined;
    watched.applied.length = 0;

    const result = await deployEnvironment(request, kit.deps, testContext(progress));

    expect(watched.applied).toEqual([['Service'], ['Deployment']]);
    expect(result).toMatchObject({ outcome: 'succeeded', revision: 1 });
    // Re-diffing now would call the ConfigMaps unchanged; the recorded ChangeSet still says they were created.
    expect(result.changeSet).toEqual(firstChangeSet);
    expect(
      result.changeSet?.entries
        .filter((entry) => entry.action === 'created')
        .map((entry) => entry.ref.kind)
        .sort(),
    ).toEqual(['ConfigMap', 'ConfigMap', 'ConfigMap', 'Deployment', 'Service', 'ServiceAccount']);
    const history = await kit.releases(repo.namespace).list();
    expect(history.map((release) => [release.revision, release.outcome])).toEqual([[1, 'succeeded']]);
    const deployment = (await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment')).get('catalog');
    expect(deployment?.['status']).toMatchObject({ availableReplicas: 2 });
  });

  it('returns the recorded result when a finished run is replayed, touching nothing', async () => {
    const sha = await repo.commit('dev says hello', { featureFlags: true, environment: 'dev-hello' });
    const request = pushRequest(repo, sha);
    const progress = memoryProgress<DeployStep, DeployProgress>();
    const first = await deployEnvironment(request, kit.deps, testContext(progress));
    watched.applied.length = 0;

    const replay = await deployEnvironment(request, kit.deps, testContext(progress));

    expect(replay).toEqual(first);
    expect(watched.applied).toEqual([]);
    expect((await kit.releases(repo.namespace).list()).map((release) => release.revision)).toEqual([2, 1]);
  });

  it('records the same release again, not a new one, when a run is resumed from the start with the same delivery', async () => {
    const sha = await repo.commit('dev says hello again', { featureFlags: true, environment: 'dev-hello-2' });
    const request = pushRequest(repo, sha);
    await deployEnvironment(request, kit.deps, testContext());

    // A lost progress record (a new job for the same delivery) replays every step: SSA and record-by-deployId make it harmless.
    const again = await deployEnvironment(request, kit.deps, testContext());

    expect(again).toMatchObject({ outcome: 'succeeded', revision: 3 });
    expect(again.changeSet?.entries.every((entry) => entry.action === 'unchanged')).toBe(true);
    expect((await kit.releases(repo.namespace).list()).map((release) => release.revision)).toEqual([3, 2, 1]);
  });

  it('does not wait for the progress writes of steps 1–4, which a resumed run does not read; later records still hold their timings', async () => {
    const sha = await repo.commit('dev says hello quickly', { featureFlags: true, environment: 'dev-hello-quick' });
    const request = pushRequest(repo, sha);
    // Fault injection: a store whose writes of those steps never complete, as a stalled Redis would.
    const stored = memoryProgress<DeployStep, DeployProgress>();
    const stalled: DeployStep[] = [];
    const progress: typeof stored = {
      history: stored.history,
      get: () => stored.get(),
      record: (step, data) => {
        if (['config', 'render', 'namespace', 'validate'].includes(step)) {
          stalled.push(step);
          return new Promise<void>(() => undefined);
        }
        return stored.record(step, data);
      },
    };

    const result = await deployEnvironment(request, kit.deps, testContext(progress));

    expect(result.outcome).toBe('succeeded');
    expect(stalled).toEqual(['config', 'render', 'namespace', 'validate']);
    expect(Object.keys(stored.get()?.data.timings ?? {})).toEqual(expect.arrayContaining(['config', 'render', 'namespace', 'validate', 'diff', 'apply']));
  });
});
