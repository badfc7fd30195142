import type { KubeObject } from '../../../core/kube/object.js';
import type { ApplyOptions, ApplyResult, DryRunOptions, DryRunResult } from '../../../core/ports/cluster.js';
import { Reason } from '../../../core/reasons.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
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

/** The smallest apply.timeout env.yaml accepts. */
const LIMIT = '5s';
const STALLED_TAG = '0.2.0-stalled';

/**
 * FAULT INJECTION around the real cluster: a dry-run (`stallDryRuns`) or an apply of a Deployment whose image
 * carries {@link STALLED_TAG} gets no answer, as from an apiserver that stopped answering (overloaded, or a stuck
 * admission webhook), until the caller's signal aborts; then the call goes to the real adapter, which sees the
 * aborted signal as it would mid-request. A real apiserver cannot be made to hang on one object on demand.
 * Without a signal the call hangs for good, so a deploy that ignored apply.timeout would fail the test by timing out.
 */
class StallingCluster extends ForwardingCluster {
  stallDryRuns = false;
  stalled = 0;

  override async apply(objects: readonly KubeObject[], options: ApplyOptions): Promise<readonly ApplyResult[]> {
    if (objects.some(carriesStalledImage)) await this.stall(options.signal);
    return this.inner.apply(objects, options);
  }
  override async dryRunApply(objects: readonly KubeObject[], options: DryRunOptions): Promise<readonly DryRunResult[]> {
    if (this.stallDryRuns) await this.stall(options.signal);
    return this.inner.dryRunApply(objects, options);
  }

  private stall(signal: AbortSignal | undefined): Promise<void> {
    this.stalled += 1;
    return new Promise((resolve) => {
      if (signal?.aborted) resolve();
      else signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }
}

function carriesStalledImage(obj: KubeObject): boolean {
  return obj.kind === 'Deployment' && JSON.stringify(obj['spec']).includes(STALLED_TAG);
}

function catalogImage(deployment: KubeObject | undefined): string | undefined {
  const spec = deployment?.['spec'] as { template: { spec: { containers: { image: string }[] } } } | undefined;
  return spec?.template.spec.containers[0]?.image;
}

describe('deployEnvironment: apply.timeout', () => {
  let kit: WorkerKit;
  let stalling: StallingCluster;
  const repos: TestRepo[] = [];

  beforeAll(async () => {
    kit = await openWorkerKit();
  });
  beforeEach(() => {
    stalling = new StallingCluster(kit.cluster);
  });
  afterAll(async () => {
    await kit.close(repos.map((repo) => repo.namespace));
    for (const repo of repos) await repo.git.cleanup();
  });

  async function newRepo(): Promise<TestRepo> {
    const repo = await createTestRepo('worker-apply-timeout');
    repos.push(repo);
    return repo;
  }

  const deps = () => ({ ...kit.deps, clusterFor: () => stalling });

  it('fails with ApplyTimedOut when validation outlasts the limit, and applies nothing', async () => {
    const repo = await newRepo();
    const sha = await repo.commit('catalog in dev', { applyTimeout: LIMIT });
    stalling.stallDryRuns = true;

    const result = await deployEnvironment(pushRequest(repo, sha), deps(), testContext());

    expect(stalling.stalled).toBeGreaterThan(0);
    expect(result).toMatchObject({ outcome: 'failed', reason: Reason.ApplyTimedOut, sha });
    expect(result.message).toMatch(/^validating \d+ objects did not finish within apply\.timeout \(5s\)/);
    expect(result.revision).toBeUndefined();
    expect(await kit.releases(repo.namespace).list()).toEqual([]);
    expect((await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment')).size).toBe(0);
    expect((await liveByName(kit.cluster, repo.namespace, 'v1', 'Service')).size).toBe(0);
  });

  it('stops an apply that outlasts the limit, fails with ApplyTimedOut and rolls back what was applied', async () => {
    const repo = await newRepo();
    const goodSha = await repo.commit('catalog in dev', { applyTimeout: LIMIT });
    expect((await deployEnvironment(pushRequest(repo, goodSha), deps(), testContext())).outcome).toBe('succeeded');
    // A new ConfigMap (stage `config`, applied) and a new image (stage `workloads`, stalled).
    const slowSha = await repo.commit('feature flags and a new catalog image', {
      applyTimeout: LIMIT,
      featureFlags: true,
      image: { name: 'registry.local/shop/catalog', tag: STALLED_TAG },
    });

    const result = await deployEnvironment(pushRequest(repo, slowSha), deps(), testContext());

    expect(stalling.stalled).toBeGreaterThan(0);
    expect(result).toMatchObject({ outcome: 'rolled-back', reason: Reason.ApplyTimedOut, sha: slowSha, revision: 2 });
    expect(result.message).toMatch(/^applying \d+ objects did not finish within apply\.timeout \(5s\)/);
    expect(result.rolledBackTo).toMatchObject({ revision: 1, sha: goodSha });
    // What the stopped apply changed is undone: the new ConfigMap pruned, the Deployment never changed.
    const configMaps = await liveByName(kit.cluster, repo.namespace, 'v1', 'ConfigMap');
    expect(configMaps.has('feature-flags')).toBe(false);
    const deployment = (await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment')).get('catalog');
    expect(catalogImage(deployment)).toBe('registry.local/shop/catalog:0.1.0');
    const history = await kit.releases(repo.namespace).list();
    expect(history.map((release) => [release.revision, release.outcome, release.reason, release.rollbackOf])).toEqual([
      [3, 'succeeded', undefined, 1],
      [2, 'rolled-back', Reason.ApplyTimedOut, undefined],
      [1, 'succeeded', undefined, undefined],
    ]);
  });
});
