import type { KubeCluster } from '../../../adapters/kube/cluster.js';
import { ClusterError } from '../../../core/ports/cluster-error.js';
import type { DryRunResult } from '../../../core/ports/cluster.js';
import { Reason } from '../../../core/reasons.js';
import { configMap, deployment, FIELD_MANAGER, openTestCluster, ref } from './kube-fixtures.js';

describe('Cluster.dryRunApply against the real apiserver', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('kube-dryrun'));
  });
  afterAll(() => cleanup());

  const rejection = (result: DryRunResult | undefined): ClusterError => {
    if (result?.outcome !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
    return result.error;
  };

  it('returns the object as the server would store it, defaulted, and persists nothing', async () => {
    const [result] = await cluster.dryRunApply([deployment(namespace, 'api', { replicas: 2 })], { fieldManager: FIELD_MANAGER });

    expect(result?.outcome).toBe('valid');
    if (result?.outcome !== 'valid') return;
    const spec = result.object.spec as Record<string, unknown>;
    expect(spec.replicas).toBe(2);
    // Defaults the manifest never set: proof the answer comes from the server, not an echo.
    expect(spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(spec.revisionHistoryLimit).toBe(10);
    expect(result.object.metadata.managedFields).toEqual([expect.objectContaining({ manager: FIELD_MANAGER, operation: 'Apply' })]);
    expect(result.ref).toEqual(ref('apps/v1', 'Deployment', 'api', namespace));
    expect(await cluster.get(result.ref)).toBeUndefined();
  });

  it('rejects a field of the wrong type with a terminal error that names the object', async () => {
    const [result] = await cluster.dryRunApply([deployment(namespace, 'typo', { replicas: 'two' })], { fieldManager: FIELD_MANAGER });

    const error = rejection(result);
    expect(error).toBeInstanceOf(ClusterError);
    expect(error.code).toBe('Invalid');
    expect(error.reason).toBe(Reason.ValidationFailed);
    expect(error.terminal).toBe(true);
    expect(error.message).toMatch(new RegExp(`^Deployment/${namespace}/typo dry-run failed: .*spec\\.replicas`));
  });

  it('rejects a field the schema does not have, instead of dropping it silently', async () => {
    const object = deployment(namespace, 'unknown-field');
    const withTypo = { ...object, spec: { ...(object.spec as object), replcas: 3 } };

    const error = rejection((await cluster.dryRunApply([withTypo], { fieldManager: FIELD_MANAGER }))[0]);

    expect(error.code).toBe('Invalid');
    expect(error.message).toContain('replcas');
  });

  it('reports every object of a batch, so a caller that stops at the first rejection applies nothing', async () => {
    const batch = [configMap(namespace, 'settings'), deployment(namespace, 'good'), deployment(namespace, 'bad', { replicas: 'two' }), configMap(namespace, 'more')];

    const results = await cluster.dryRunApply(batch, { fieldManager: FIELD_MANAGER });

    expect(results.map((r) => r.outcome)).toEqual(['valid', 'valid', 'rejected', 'valid']);
    expect(results.map((r) => r.ref.name)).toEqual(['settings', 'good', 'bad', 'more']);
    // The pipeline's rule, played out: one rejection, so apply is never called; the cluster holds none of them.
    const firstRejected = results.find((r) => r.outcome === 'rejected');
    expect(firstRejected?.ref.name).toBe('bad');
    const live = await cluster.getMany(results.map((r) => r.ref));
    expect(live).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('says clearly when no API serves a kind (its CRD is not installed)', async () => {
    const widget = { apiVersion: 'widgets.example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace } };

    const error = rejection((await cluster.dryRunApply([widget], { fieldManager: FIELD_MANAGER }))[0]);

    expect(error.code).toBe('KindNotFound');
    expect(error.terminal).toBe(true);
    expect(error.message).toBe(`Widget/${namespace}/w dry-run failed: the server has no kind Widget in widgets.example.com/v1 (is its CustomResourceDefinition installed?)`);
  });

  it('reports a missing namespace as such', async () => {
    const error = rejection((await cluster.dryRunApply([configMap('no-such-namespace-x1', 'c')], { fieldManager: FIELD_MANAGER }))[0]);

    expect(error.code).toBe('NamespaceNotFound');
    expect(error.reason).toBe(Reason.NotFound);
  });

  it('refuses a namespaced object without a namespace rather than guessing one', async () => {
    const orphan = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'nowhere' }, data: {} };

    const error = rejection((await cluster.dryRunApply([orphan], { fieldManager: FIELD_MANAGER }))[0]);

    expect(error.code).toBe('Invalid');
    expect(error.message).toBe('ConfigMap/nowhere dry-run failed: ConfigMap is namespaced, but the object has no metadata.namespace');
  });
});
