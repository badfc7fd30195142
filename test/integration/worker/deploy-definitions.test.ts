import type { KubeObject } from '../../../core/kube/object.js';
import { refOf } from '../../../core/kube/object.js';
import { ClusterError } from '../../../core/ports/cluster-error.js';
import type { Cluster, DryRunOptions, DryRunResult } from '../../../core/ports/cluster.js';
import { Reason } from '../../../core/reasons.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import { uniqueName } from '../../platform/connect.js';
import { createGitFixture, type GitFixture } from '../../platform/git-fixtures.js';
import {
  ForwardingCluster,
  ENV,
  liveByName,
  openWorkerKit,
  pushRequest,
  ref,
  testContext,
  type TestRepo,
  type WorkerKit,
} from './worker-test-kit.js';

/** A repository whose environment renders a CRD and an object of its kind (a new API group per repository). */
async function definitionsRepo(size: string): Promise<TestRepo & { group: string }> {
  const namespace = uniqueName('worker-crd');
  const group = `${namespace}.gantry.test`;
  const git: GitFixture = await createGitFixture();
  const dir = `environments/${ENV}`;
  const files = {
    [`${dir}/env.yaml`]: `name: ${ENV}\nbranch: main\ncluster:\n  name: local\nnamespace: ${namespace}\nrollout:\n  strategy: rolling\n  timeout: 30s\n`,
    [`${dir}/kustomization.yaml`]: `namespace: ${namespace}\nresources:\n  - namespace.yaml\n  - crd.yaml\n  - widget.yaml\n`,
    [`${dir}/namespace.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`,
    [`${dir}/crd.yaml`]: [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      `  name: widgets.${group}`,
      'spec:',
      `  group: ${group}`,
      '  scope: Namespaced',
      '  names: { plural: widgets, singular: widget, kind: Widget, listKind: WidgetList }',
      '  versions:',
      '    - name: v1',
      '      served: true',
      '      storage: true',
      '      schema:',
      '        openAPIV3Schema:',
      '          type: object',
      '          properties:',
      '            spec:',
      '              type: object',
      '              properties:',
      '                size: { type: integer }',
      '',
    ].join('\n'),
    [`${dir}/widget.yaml`]: `apiVersion: ${group}/v1\nkind: Widget\nmetadata:\n  name: first\nspec:\n  size: ${size}\n`,
  };
  await git.commitAndPush('an environment with its own API', files);
  return { git, namespace, group, commit: () => git.headSha() };
}

/**
 * Fault injection: after its CRD is Established, the apiserver answers a new kind with 404 until its own CRD
 * informer and discovery catch up (a few milliseconds, now and then). This cluster answers the first `lag` dry-runs
 * of Widgets after the CRD exists the way the apiserver does in that moment; everything else goes to the real one.
 */
class LaggingCluster extends ForwardingCluster {
  refusedWhileLagging = 0;

  constructor(
    inner: Cluster,
    private lag: number,
  ) {
    super(inner);
  }

  override async dryRunApply(objects: readonly KubeObject[], options: DryRunOptions): Promise<readonly DryRunResult[]> {
    const results = await this.inner.dryRunApply(objects, options);
    return results.map((result, index) => {
      const object = objects[index];
      if (object?.kind !== 'Widget' || result.outcome !== 'valid' || this.lag === 0) return result;
      this.lag -= 1;
      this.refusedWhileLagging += 1;
      const notServed = { status: 404, detail: 'the server could not find the requested resource' };
      return {
        outcome: 'rejected',
        ref: result.ref,
        error: new ClusterError({ code: 'KindNotFound', operation: 'dry-run', ref: refOf(object), ...notServed }),
      };
    });
  }
}

describe('deployEnvironment: Namespaces and CRDs first', () => {
  let kit: WorkerKit;
  const repos: (TestRepo & { group: string })[] = [];

  beforeAll(async () => {
    kit = await openWorkerKit();
  });
  afterAll(async () => {
    for (const repo of repos)
      await kit.cluster
        .delete(ref('apiextensions.k8s.io/v1', 'CustomResourceDefinition', `widgets.${repo.group}`))
        .catch(() => undefined);
    await kit.close(repos.map((repo) => repo.namespace));
    for (const repo of repos) await repo.git.cleanup();
  });

  async function newRepo(size: string) {
    const repo = await definitionsRepo(size);
    repos.push(repo);
    return repo;
  }

  it('applies a CRD the render defines before validating the objects of its kind, then deploys them', async () => {
    const repo = await newRepo('3');

    const result = await deployEnvironment(pushRequest(repo, await repo.commit('')), kit.deps, testContext());

    expect(result.outcome).toBe('succeeded');
    expect(
      result.changeSet?.entries
        .filter((entry) => entry.action === 'created')
        .map((entry) => entry.ref.kind)
        .sort(),
    ).toEqual(['CustomResourceDefinition', 'Widget']);
    const widgets = await liveByName(kit.cluster, repo.namespace, `${repo.group}/v1`, 'Widget');
    expect(widgets.get('first')?.['spec']).toEqual({ size: 3 });
  });

  it('dry-runs the objects of a new kind again while the apiserver does not serve it yet, though Established', async () => {
    const repo = await newRepo('4');
    const lagging = new LaggingCluster(kit.cluster, 2);

    const result = await deployEnvironment(
      pushRequest(repo, await repo.commit('')),
      { ...kit.deps, clusterFor: () => lagging },
      testContext(),
    );

    expect(result.outcome).toBe('succeeded');
    expect(lagging.refusedWhileLagging).toBe(2);
    const widgets = await liveByName(kit.cluster, repo.namespace, `${repo.group}/v1`, 'Widget');
    expect(widgets.get('first')?.['spec']).toEqual({ size: 4 });
  });

  it('still refuses an invalid object of that kind, saying the definitions were applied first', async () => {
    const repo = await newRepo('"big"');

    const result = await deployEnvironment(pushRequest(repo, await repo.commit('')), kit.deps, testContext());

    expect(result).toMatchObject({
      outcome: 'failed',
      reason: Reason.ValidationFailed,
      ref: { kind: 'Widget', name: 'first' },
    });
    expect(result.message).toContain('after the Namespaces and CustomResourceDefinitions it renders were applied');
    expect(
      await kit.cluster.get(ref('apiextensions.k8s.io/v1', 'CustomResourceDefinition', `widgets.${repo.group}`)),
    ).toBeDefined();
    expect(await kit.releases(repo.namespace).list()).toEqual([]);
  });

  it('diffs such a render in a dry run without applying anything: the missing kind shows as created', async () => {
    const repo = await newRepo('5');
    const crd = ref('apiextensions.k8s.io/v1', 'CustomResourceDefinition', `widgets.${repo.group}`);

    const result = await deployEnvironment(
      pushRequest(repo, await repo.commit(''), { mode: 'dry-run' }),
      kit.deps,
      testContext(),
    );

    expect(result.outcome).toBe('succeeded');
    expect(result.changeSet?.entries.map((entry) => `${entry.action} ${entry.ref.kind}`).sort()).toEqual([
      'created CustomResourceDefinition',
      'created Namespace',
      'created Widget',
    ]);
    expect(await kit.cluster.get(crd)).toBeUndefined();
    expect(await kit.cluster.get(ref('v1', 'Namespace', repo.namespace))).toBeUndefined();
  });
});
