import type { ChangeSet } from '../../../core/diff/change-set.js';
import { formatRef } from '../../../core/kube/object.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import {
  createTestRepo,
  liveByName,
  openWorkerKit,
  pushRequest,
  testContext,
  type TestRepo,
  type WorkerKit,
} from './worker-test-kit.js';

/** `action Kind/name` for every entry, sorted; generated names lose their hash suffix so expectations stay stable. */
function actions(changeSet: ChangeSet | undefined): string[] {
  return (changeSet?.entries ?? [])
    .map((entry) => `${entry.action} ${entry.ref.kind}/${entry.ref.name.replace(/-[a-z0-9]{10}$/, '-<hash>')}`)
    .sort();
}

describe('deployEnvironment: a commit becomes running objects, recorded as a release', () => {
  let kit: WorkerKit;
  let repo: TestRepo;
  let firstSha: string;

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('worker-deploy');
  });
  afterAll(async () => {
    await kit.close([repo.namespace]);
    await repo.git.cleanup();
  });

  it('deploys a first commit: every object created, the Deployment Available, release 1 succeeded with its inventory', async () => {
    firstSha = await repo.commit('catalog in dev', { featureFlags: true });

    const result = await deployEnvironment(pushRequest(repo, firstSha), kit.deps, testContext());

    expect(result).toMatchObject({ outcome: 'succeeded', environment: 'dev', sha: firstSha, revision: 1 });
    expect(result.health?.status).toBe('Healthy');
    expect(actions(result.changeSet)).toEqual([
      'configured Namespace/' + repo.namespace, // created empty by the namespace step, then given the overlay's labels
      'created ConfigMap/catalog-config-<hash>',
      'created ConfigMap/feature-flags',
      'created ConfigMap/shop-environment-<hash>',
      'created Deployment/catalog',
      'created Service/catalog',
      'created ServiceAccount/catalog',
    ]);
    // The pipeline's own bookkeeping (the label on the namespace it created) is neither shown nor taken away.
    const namespaceChange = result.changeSet?.entries.find((entry) => entry.ref.kind === 'Namespace');
    const changedPaths =
      namespaceChange?.action === 'configured' ? namespaceChange.diff.map((change) => change.path) : [];
    expect(changedPaths.filter((path) => path.includes('gantry.dev'))).toEqual([]);
    const namespace = await kit.cluster.get({ group: '', version: 'v1', kind: 'Namespace', name: repo.namespace });
    expect(namespace?.metadata.labels?.['gantry.dev/environment']).toBe('dev');
    const deployment = (await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment')).get('catalog');
    expect(deployment?.['status']).toMatchObject({ availableReplicas: 2, updatedReplicas: 2 });
    const [release, ...older] = await kit.releases(repo.namespace).list();
    expect(older).toEqual([]);
    expect(release).toMatchObject({ revision: 1, commit: firstSha, outcome: 'succeeded' });
    expect(release?.inventory.map(formatRef).sort()).toEqual(
      result.changeSet?.entries.map((entry) => formatRef(entry.ref)).sort(),
    );
    expect(Object.keys(result.timings)).toEqual(
      expect.arrayContaining(['config', 'render', 'validate', 'diff', 'record', 'apply', 'prune', 'rollout']),
    );
  });

  it('deploys a ConfigMap change as exactly that: the generated ConfigMap renamed, the Deployment configured, the rest unchanged', async () => {
    const sha = await repo.commit('dev says hello', { featureFlags: true, environment: 'dev-hello' });

    const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

    expect(result.outcome).toBe('succeeded');
    expect(actions(result.changeSet)).toEqual([
      'configured Deployment/catalog',
      'created ConfigMap/shop-environment-<hash>',
      'deleted ConfigMap/shop-environment-<hash>',
      'unchanged ConfigMap/catalog-config-<hash>',
      'unchanged ConfigMap/feature-flags',
      'unchanged Namespace/' + repo.namespace,
      'unchanged Service/catalog',
      'unchanged ServiceAccount/catalog',
    ]);
    const configured = result.changeSet?.entries.find((entry) => entry.action === 'configured');
    const paths = configured?.action === 'configured' ? configured.diff.map((change) => change.path) : [];
    expect(paths).toContain('/spec/template/spec/containers/0/envFrom/1/configMapRef/name');
    const configMaps = [...(await liveByName(kit.cluster, repo.namespace, 'v1', 'ConfigMap')).keys()].filter((name) =>
      name.startsWith('shop-environment-'),
    );
    expect(configMaps).toHaveLength(1);
    const deployment = (await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment')).get('catalog');
    expect(JSON.stringify(deployment?.['spec'])).toContain(configMaps[0]);
    expect(deployment?.['status']).toMatchObject({ availableReplicas: 2, updatedReplicas: 2 });
  });

  it('prunes an object the previous release applied and this commit no longer renders', async () => {
    const sha = await repo.commit('feature flags are gone', { environment: 'dev-hello' });

    const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

    expect(result.outcome).toBe('succeeded');
    expect(actions(result.changeSet).filter((line) => !line.startsWith('unchanged'))).toEqual([
      'deleted ConfigMap/feature-flags',
    ]);
    expect((await liveByName(kit.cluster, repo.namespace, 'v1', 'ConfigMap')).has('feature-flags')).toBe(false);
    const history = await kit.releases(repo.namespace).list();
    expect(history.map((release) => [release.revision, release.outcome])).toEqual([
      [3, 'succeeded'],
      [2, 'succeeded'],
      [1, 'succeeded'],
    ]);
    expect(history[0]?.inventory.some((entry) => entry.name === 'feature-flags')).toBe(false);
  });
});
