import type { ChangeSet } from '../../../core/diff/change-set.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import { liveStates } from '../../../worker/stages/deploy/live-state.js';
import type { DeployDeps } from '../../../worker/stages/deploy/deploy-types.js';
import { kubectl } from '../../platform/connect.js';
import { auditFrom } from './apiserver-audit.js';
import { createTestRepo, openWorkerKit, pushRequest, ref, testContext, type TestRepo, type WorkerKit } from './worker-test-kit.js';


function actions(changeSet: ChangeSet | undefined): string[] {
  return (changeSet?.entries ?? [])
    .map((entry) => `${entry.action} ${entry.ref.kind}/${entry.ref.name.replace(/-[a-z0-9]{10}$/, '-<hash>')}`)
    .sort();
}


describe('the live-state cache in the deploy path', () => {
  let kit: WorkerKit;
  let repo: TestRepo;
  let cached: DeployDeps;
  let sha: string;

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('live-cache');
    cached = { ...kit.deps, liveState: liveStates(() => kit.cluster.liveCache({ managedBy: 'gantry' }), 'gantry') };
  });
  afterAll(async () => {
    await kit.close([repo.namespace]);
    await repo.git.cleanup();
  });

  /** Waits until the cache shows the Deployment at (at least) this resourceVersion. */
  async function cacheHas(check: (live: Map<string, unknown>) => boolean): Promise<void> {
    const refs = [ref('apps/v1', 'Deployment', 'catalog', repo.namespace), ref('v1', 'ConfigMap', 'feature-flags', repo.namespace)];
    for (;;) {
      const live = await kit.cluster.liveCache({ managedBy: 'gantry' }).snapshot(refs, { waitMs: 5_000 });
      if (live && check(live)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('a first deploy with a cold cache takes the full path and succeeds', async () => {
    sha = await repo.commit('catalog in dev', { featureFlags: true });
    const result = await deployEnvironment(pushRequest(repo, sha), cached, testContext());
    expect(result.outcome).toBe('succeeded');
    expect(actions(result.changeSet).filter((line) => line.startsWith('created'))).toHaveLength(6);
  });

  it('a no-change deploy sends no write and no dry-run request for the environment’s objects (only the release record’s verifiedAt)', async () => {
    const audit = await auditFrom(repo.namespace);

    const result = await deployEnvironment(pushRequest(repo, sha), cached, testContext());

    expect(result.outcome).toBe('succeeded');
    expect(actions(result.changeSet).every((line) => line.startsWith('unchanged'))).toBe(true);
    const writes = await audit.writes();
    // The one write is bookkeeping: the current release is re-verified (worker/stages/deploy/confirm-current.ts).
    expect(writes.map((write) => [write.verb, write.resource, write.name, write.dryRun])).toEqual([
      ['patch', 'secrets', 'gantry-release.dev.v1', false],
    ]);
  });

  it('a field edited by another manager is seen by the next deploy, which dry-runs and applies that object alone', async () => {
    await kubectl('-n', repo.namespace, 'patch', 'deployment', 'catalog', '--type=merge', '--field-manager=kubectl-edit', '-p', '{"spec":{"replicas":3}}');
    await cacheHas((live) => (live.get(`apps_Deployment_${repo.namespace}_catalog`) as { spec?: { replicas?: number } } | undefined)?.spec?.replicas === 3);
    const audit = await auditFrom(repo.namespace);

    const result = await deployEnvironment(pushRequest(repo, sha), cached, testContext());

    expect(result.outcome).toBe('succeeded');
    expect(actions(result.changeSet).filter((line) => !line.startsWith('unchanged'))).toEqual(['configured Deployment/catalog']);
    const writes = (await audit.writes()).filter((write) => write.resource === 'deployments');
    expect(writes.map((write) => [write.verb, write.name, write.dryRun])).toEqual([
      ['patch', 'catalog', true],
      ['patch', 'catalog', false],
    ]);
  });

  it('the cache path and the full path find the same changes after mutations behind the pipeline’s back', async () => {
    // An owned field edited, an object deleted, an annotation added by another manager (not ours: no change).
    await kubectl('-n', repo.namespace, 'set', 'image', 'deployment/catalog', 'catalog=registry.local/shop/catalog:edited');
    await kubectl('-n', repo.namespace, 'delete', 'configmap', 'feature-flags');
    await kubectl('-n', repo.namespace, 'annotate', 'service', 'catalog', 'example.com/owner=someone-else');
    await cacheHas((live) => !live.has(`_ConfigMap_${repo.namespace}_feature-flags`) && JSON.stringify(live.get(`apps_Deployment_${repo.namespace}_catalog`)).includes(':edited'));

    const dryRun = { mode: 'dry-run' as const };
    const viaCache = await deployEnvironment(pushRequest(repo, sha, dryRun), cached, testContext());
    const full = await deployEnvironment(pushRequest(repo, sha, dryRun), kit.deps, testContext());

    expect(actions(viaCache.changeSet)).toEqual(actions(full.changeSet));
    expect(actions(full.changeSet).filter((line) => !line.startsWith('unchanged'))).toEqual([
      'configured Deployment/catalog',
      'created ConfigMap/feature-flags',
    ]);
  });
});
