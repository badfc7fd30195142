import type { KubeCluster } from '../../../adapters/kube/cluster.js';
import type { KubeObject } from '../../../core/kube/object.js';
import type { ApplyResult } from '../../../core/ports/cluster.js';
import { Reason } from '../../../core/reasons.js';
import { uniqueName } from '../../platform/connect.js';
import { configMap, deployment, FIELD_MANAGER, openTestCluster, ref } from './kube-fixtures.js';

const applied = (result: ApplyResult | undefined): KubeObject => {
  if (result?.outcome !== 'applied') throw new Error(`expected the object applied, got ${result?.outcome === 'failed' ? result.error.message : 'nothing'}`);
  return result.object;
};
const failure = (result: ApplyResult | undefined) => {
  if (result?.outcome !== 'failed') throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result.error;
};
const managers = (obj: KubeObject) => (obj.metadata.managedFields as { manager: string; operation: string }[]).map((f) => `${f.manager}/${f.operation}`);

describe('Cluster.apply (server-side apply) against the real apiserver', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('kube-apply'));
  });
  afterAll(() => cleanup());

  it('creates an object, then updates it, with one field manager owning it', async () => {
    const created = applied((await cluster.apply([configMap(namespace, 'settings', { mode: 'a' })], { fieldManager: FIELD_MANAGER }))[0]);
    const updated = applied((await cluster.apply([configMap(namespace, 'settings', { mode: 'b', extra: 'x' })], { fieldManager: FIELD_MANAGER }))[0]);

    expect(created.data).toEqual({ mode: 'a' });
    expect(updated.data).toEqual({ mode: 'b', extra: 'x' });
    expect(updated.metadata.uid).toBe(created.metadata.uid);
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(created.metadata.resourceVersion));
    expect(managers(updated)).toEqual([`${FIELD_MANAGER}/Apply`]);
    expect((await cluster.get(ref('v1', 'ConfigMap', 'settings', namespace)))?.data).toEqual({ mode: 'b', extra: 'x' });
  });

  it('drops a field from the live object when the manifest stops declaring it', async () => {
    await cluster.apply([configMap(namespace, 'shrinking', { keep: '1', drop: '2' })], { fieldManager: FIELD_MANAGER });
    const after = applied((await cluster.apply([configMap(namespace, 'shrinking', { keep: '1' })], { fieldManager: FIELD_MANAGER }))[0]);

    expect(after.data).toEqual({ keep: '1' });
  });

  it('applies a batch with bounded parallelism and reports each object in input order', async () => {
    const batch = Array.from({ length: 30 }, (_, i) => configMap(namespace, `batch-${String(i).padStart(2, '0')}`));

    const results = await cluster.apply(batch, { fieldManager: FIELD_MANAGER });

    expect(results.map((r) => `${r.outcome}:${r.ref.name}`)).toEqual(batch.map((o) => `applied:${o.metadata.name}`));
    const live = await cluster.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace });
    expect(live.filter((o) => o.metadata.name.startsWith('batch-'))).toHaveLength(30);
  });

  it('gives cluster-scoped kinds no namespace and namespaced kinds theirs, by discovery', async () => {
    const className = uniqueName('gantry-test-sc');
    const nsName = uniqueName('kube-apply-extra');
    const storageClass = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: className, namespace }, provisioner: 'ebs.csi.aws.com' };
    const extraNamespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: nsName, labels: { team: 'shop' } } };
    try {
      const results = await cluster.apply([storageClass, extraNamespace, configMap(namespace, 'scoped')], { fieldManager: FIELD_MANAGER });

      // The rendering put the StorageClass in a namespace; the server scopes it cluster-wide, and so does its ref.
      expect(results.map((r) => r.ref)).toEqual([ref('storage.k8s.io/v1', 'StorageClass', className), ref('v1', 'Namespace', nsName), ref('v1', 'ConfigMap', 'scoped', namespace)]);
      expect(applied(results[0]).metadata.namespace).toBeUndefined();
      expect(applied(results[1]).metadata.labels).toEqual(expect.objectContaining({ team: 'shop' }));
      expect(applied(results[2]).metadata.namespace).toBe(namespace);
      expect(await cluster.get(ref('storage.k8s.io/v1', 'StorageClass', className, 'ignored-namespace'))).toEqual(expect.objectContaining({ provisioner: 'ebs.csi.aws.com' }));
    } finally {
      await cluster.delete(ref('storage.k8s.io/v1', 'StorageClass', className));
      await cluster.delete(ref('v1', 'Namespace', nsName));
    }
  });

  it('fails a Deployment selector change as a terminal ImmutableFieldChanged', async () => {
    applied((await cluster.apply([deployment(namespace, 'api', { app: 'api' })], { fieldManager: FIELD_MANAGER }))[0]);

    const error = failure((await cluster.apply([deployment(namespace, 'api', { app: 'api-v2' })], { fieldManager: FIELD_MANAGER }))[0]);

    expect(error.reason).toBe(Reason.ImmutableFieldChanged);
    expect(error.code).toBe('ImmutableFieldChanged');
    expect(error.terminal).toBe(true);
    expect(error.message).toMatch(new RegExp(`^Deployment/${namespace}/api apply failed: .*spec\\.selector.*field is immutable`));
  });

  it('fails a Service clusterIP change as a terminal ImmutableFieldChanged', async () => {
    const service = (clusterIP?: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace },
      spec: { ...(clusterIP ? { clusterIP } : {}), selector: { app: 'web' }, ports: [{ port: 80 }] },
    });
    const ip = (applied((await cluster.apply([service()], { fieldManager: FIELD_MANAGER }))[0]).spec as { clusterIP: string }).clusterIP;
    const otherIp = ip.replace(/\d+$/, (last) => String((Number(last) % 250) + 2));

    const error = failure((await cluster.apply([service(otherIp)], { fieldManager: FIELD_MANAGER }))[0]);

    expect(error.reason).toBe(Reason.ImmutableFieldChanged);
    expect(error.message).toMatch(new RegExp(`^Service/${namespace}/web apply failed: .*clusterIP`));
  });

  it('reports a field another manager owns as a terminal conflict, and takes it over with force', async () => {
    await cluster.apply([configMap(namespace, 'shared', { owner: 'someone' })], { fieldManager: 'someone-else' });

    const error = failure((await cluster.apply([configMap(namespace, 'shared', { owner: 'gantry' })], { fieldManager: FIELD_MANAGER }))[0]);
    const forced = applied((await cluster.apply([configMap(namespace, 'shared', { owner: 'gantry' })], { fieldManager: FIELD_MANAGER, force: true }))[0]);

    expect(error.code).toBe('FieldManagerConflict');
    expect(error.terminal).toBe(true);
    expect(error.message).toContain('someone-else');
    expect(forced.data).toEqual({ owner: 'gantry' });
  });

  it('deletes an object, and reports one already gone as absent', async () => {
    await cluster.apply([configMap(namespace, 'doomed')], { fieldManager: FIELD_MANAGER });
    const doomed = ref('v1', 'ConfigMap', 'doomed', namespace);

    expect(await cluster.delete(doomed)).toBe('deleted');
    expect(await cluster.get(doomed)).toBeUndefined();
    expect(await cluster.delete(doomed)).toBe('absent');
    expect(await cluster.delete(ref('widgets.example.com/v1', 'Widget', 'w', namespace))).toBe('absent');
  });

  it('prunes what a previous apply left: deleting a Deployment takes its ReplicaSets along', async () => {
    applied((await cluster.apply([deployment(namespace, 'old-worker')], { fieldManager: FIELD_MANAGER }))[0]);
    const worker = ref('apps/v1', 'Deployment', 'old-worker', namespace);
    await waitFor(async () => (await cluster.readRollout(worker)).replicaSets.length === 1);

    expect(await cluster.delete(worker, { propagation: 'Foreground' })).toBe('deleted');

    await waitFor(async () => (await cluster.list({ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace, labelSelector: 'app=old-worker' })).length === 0);
    await waitFor(async () => (await cluster.get(worker)) === undefined);
  });

  it('reads many objects at once, listing where a kind has many in one namespace', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `many-${i}`);
    await cluster.apply(names.map((n) => configMap(namespace, n, { n })), { fieldManager: FIELD_MANAGER });
    const refs = [...names.map((n) => ref('v1', 'ConfigMap', n, namespace)), ref('v1', 'ConfigMap', 'many-missing', namespace), ref('apps/v1', 'Deployment', 'api', namespace), ref('apps/v1', 'Deployment', 'nope', namespace)];

    const live = await cluster.getMany(refs);

    expect(live.slice(0, 10).map((o) => o?.data)).toEqual(names.map((n) => ({ n })));
    expect(live.slice(0, 10).every((o) => o?.kind === 'ConfigMap' && o.apiVersion === 'v1')).toBe(true);
    expect(live[10]).toBeUndefined();
    expect(live[11]?.metadata.name).toBe('api');
    expect(live[12]).toBeUndefined();
  });

  it('ensures a namespace with labels, keeping labels others set', async () => {
    const name = uniqueName('kube-ensure');
    try {
      await cluster.ensureNamespace(name, { 'gantry.dev/environment': 'dev' }, { fieldManager: FIELD_MANAGER });
      await cluster.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { team: 'other' } } }], { fieldManager: 'someone-else' });
      await cluster.ensureNamespace(name, { 'gantry.dev/environment': 'dev' }, { fieldManager: FIELD_MANAGER });

      const live = await cluster.get(ref('v1', 'Namespace', name));
      expect(live?.metadata.labels).toEqual(expect.objectContaining({ 'gantry.dev/environment': 'dev', team: 'other' }));
    } finally {
      await cluster.delete(ref('v1', 'Namespace', name));
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${check.toString()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
