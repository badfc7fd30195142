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

/** `Kind/name@resourceVersion` of every object of the kinds a deploy touches: equal before and after means untouched. */
async function snapshot(kit: WorkerKit, namespace: string): Promise<string[]> {
  const kinds = [
    ['v1', 'ConfigMap'],
    ['v1', 'Service'],
    ['v1', 'ServiceAccount'],
    ['apps/v1', 'Deployment'],
  ] as const;
  const lines: string[] = [];
  for (const [apiVersion, kind] of kinds) {
    for (const [name, obj] of await liveByName(kit.cluster, namespace, apiVersion, kind))
      lines.push(`${kind}/${name}@${String(obj.metadata['resourceVersion'])}`);
  }
  return lines.sort();
}

describe('deployEnvironment: bad input fails at once with a reason, and nothing is applied', () => {
  let kit: WorkerKit;
  let repo: TestRepo;

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('worker-invalid');
    const sha = await repo.commit('catalog in dev');
    expect((await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext())).outcome).toBe('succeeded');
  });
  afterAll(async () => {
    await kit.close([repo.namespace]);
    await repo.git.cleanup();
  });

  it('refuses a commit with one invalid manifest: no object changes, and the reason names the object and the server message', async () => {
    const before = await snapshot(kit, repo.namespace);
    // The ConfigMap change would be valid on its own: one invalid object must hold back everything.
    const sha = await repo.commit('replicas as a word', { invalidReplicas: true, environment: 'dev-invalid' });

    const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

    expect(result).toMatchObject({
      outcome: 'failed',
      reason: Reason.ValidationFailed,
      ref: { kind: 'Deployment', name: 'catalog', namespace: repo.namespace },
    });
    expect(result.message).toContain(`Deployment/${repo.namespace}/catalog dry-run failed`);
    expect(result.message).toMatch(/replicas/);
    expect(result.message).toContain('nothing was applied');
    expect(result.revision).toBeUndefined();
    expect(await snapshot(kit, repo.namespace)).toEqual(before);
    expect((await kit.releases(repo.namespace).list()).map((release) => release.revision)).toEqual([1]);
  });

  it('refuses a commit whose kustomization is broken: RenderFailed names the file, and nothing is applied', async () => {
    const before = await snapshot(kit, repo.namespace);
    const sha = await repo.commit('a resource that does not exist', {
      brokenKustomization: true,
      environment: 'dev-broken',
    });

    const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

    expect(result).toMatchObject({ outcome: 'failed', reason: Reason.RenderFailed });
    expect(result.message).toContain('environments/dev/kustomization.yaml');
    expect(result.message).toContain('missing.yaml');
    expect(result.changeSet).toBeUndefined();
    expect(await snapshot(kit, repo.namespace)).toEqual(before);
    expect((await kit.releases(repo.namespace).list()).map((release) => release.revision)).toEqual([1]);
  });

  it('refuses a commit whose environment renders no objects: RenderFailed, and the last release is neither pruned nor replaced', async () => {
    const before = await snapshot(kit, repo.namespace);
    expect(before).toEqual(expect.arrayContaining([expect.stringMatching(/^Deployment\/catalog@/)]));
    // A valid kustomization that lists nothing: applied, it would prune everything the last release left.
    await repo.git.writeFiles({
      'environments/dev/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${repo.namespace}\nresources: []\n`,
    });
    const sha = await repo.git.commitAndPush('an overlay that lists no resources');

    const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

    expect(result).toMatchObject({ outcome: 'failed', reason: Reason.RenderFailed, sha });
    expect(result.message).toContain('render of environments/dev produced no objects');
    expect(result.message).toContain('it would prune everything');
    expect(result.revision).toBeUndefined();
    expect(result.changeSet).toBeUndefined();
    expect(await snapshot(kit, repo.namespace)).toEqual(before);
    const history = await kit.releases(repo.namespace).list();
    expect(history.map((release) => [release.revision, release.outcome])).toEqual([[1, 'succeeded']]);
    expect(history[0]?.commit).not.toBe(sha);
  });

  it('refuses a commit whose env.yaml is invalid: InvalidConfig names the file and field', async () => {
    await repo.git.writeFiles({
      'environments/dev/env.yaml': `name: dev\nbranch: main\ncluster:\n  name: local\nnamespace: ${repo.namespace}\nrollout:\n  timeout: soon\n`,
    });
    const sha = await repo.git.commitAndPush('a timeout that is not a duration');

    const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

    expect(result).toMatchObject({ outcome: 'failed', reason: Reason.InvalidConfig });
    expect(result.message).toContain('environments/dev/env.yaml: rollout.timeout');
    expect((await kit.cluster.get(ref('v1', 'Namespace', repo.namespace)))?.metadata.name).toBe(repo.namespace);
  });

  it('never creates the namespace of an environment whose first commit does not render', async () => {
    const fresh = await createTestRepo('worker-invalid-fresh');
    try {
      const sha = await fresh.commit('broken from the start', { brokenKustomization: true });

      const result = await deployEnvironment(pushRequest(fresh, sha), kit.deps, testContext());

      expect(result.reason).toBe(Reason.RenderFailed);
      expect(await kit.cluster.get(ref('v1', 'Namespace', fresh.namespace))).toBeUndefined();
    } finally {
      await fresh.git.cleanup();
    }
  });
});
