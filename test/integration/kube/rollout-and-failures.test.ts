import { KubeConfig } from '@kubernetes/client-node';
import { createServer } from 'node:net';
import { KubeCluster } from '../../../adapters/kube/cluster.js';
import { ClusterError } from '../../../core/ports/cluster-error.js';
import { Reason } from '../../../core/reasons.js';
import { configMap, deployment, FIELD_MANAGER, openTestCluster, ref } from './kube-fixtures.js';

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function kubeConfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'nowhere', server, skipTLSVerify: true }],
    users: [{ name: 'nobody', token: 'not-a-real-token' }],
    contexts: [{ name: 'nowhere', cluster: 'nowhere', user: 'nobody' }],
    currentContext: 'nowhere',
  });
  return kc;
}

describe('Cluster.readRollout against the real control plane (kwok pods)', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('kube-rollout'));
  });
  afterAll(() => cleanup());

  it('reads a Deployment with the ReplicaSets it owns, newest first, and their pods', async () => {
    const api = ref('apps/v1', 'Deployment', 'api', namespace);
    await cluster.apply([deployment(namespace, 'api', { replicas: 2, image: 'registry.local/web:1.0.0' })], { fieldManager: FIELD_MANAGER });
    await waitFor(async () => (await cluster.readRollout(api)).pods.length === 2);
    await cluster.apply([deployment(namespace, 'api', { replicas: 2, image: 'registry.local/web:2.0.0' })], { fieldManager: FIELD_MANAGER });
    await waitFor(async () => (await cluster.readRollout(api)).replicaSets.length === 2);

    const snapshot = await cluster.readRollout(api);

    expect(snapshot.workload?.metadata.name).toBe('api');
    const images = snapshot.replicaSets.map((rs) => (rs.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]?.image);
    expect(images).toEqual(['registry.local/web:2.0.0', 'registry.local/web:1.0.0']);
    expect(snapshot.replicaSets.map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'])).toEqual(['2', '1']);
    const rsUids = new Set(snapshot.replicaSets.map((rs) => rs.metadata.uid));
    expect(snapshot.pods.length).toBeGreaterThan(0);
    for (const pod of snapshot.pods) {
      expect(pod.kind).toBe('Pod');
      expect((pod.metadata.ownerReferences as { uid: string }[]).some((o) => rsUids.has(o.uid))).toBe(true);
    }
  });

  it('reads a StatefulSet with the pods it owns directly', async () => {
    const db = ref('apps/v1', 'StatefulSet', 'db', namespace);
    const labels = { app: 'db' };
    const statefulSet = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace },
      spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'db', image: 'registry.local/db:1' }] } } },
    };
    await cluster.apply([statefulSet], { fieldManager: FIELD_MANAGER });
    await waitFor(async () => (await cluster.readRollout(db)).pods.length === 2);

    const snapshot = await cluster.readRollout(db);

    expect(snapshot.workload?.kind).toBe('StatefulSet');
    expect(snapshot.replicaSets).toEqual([]);
    expect(snapshot.pods.map((p) => p.metadata.name).sort()).toEqual(['db-0', 'db-1']);
  });

  it('reads a Deployment that does not exist as an empty snapshot', async () => {
    expect(await cluster.readRollout(ref('apps/v1', 'Deployment', 'ghost', namespace))).toEqual({ workload: undefined, replicaSets: [], pods: [] });
  });

  it('stops a batch when the caller aborts, rejecting with the caller’s reason', async () => {
    const controller = new AbortController();
    const batch = Array.from({ length: 40 }, (_, i) => configMap(namespace, `aborted-${i}`));
    const superseded = new Error('superseded by a newer commit');

    const applying = cluster.apply(batch, { fieldManager: FIELD_MANAGER, signal: controller.signal });
    controller.abort(superseded);

    await expect(applying).rejects.toBe(superseded);
    const created = (await cluster.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace })).filter((o) => o.metadata.name.startsWith('aborted-'));
    expect(created.length).toBeLessThan(batch.length);
  });
});

describe('an unreachable cluster', () => {
  it('fails fast with a typed, retryable "cluster unreachable" error naming the object', async () => {
    const server = `https://127.0.0.1:${await closedPort()}`;
    const cluster = new KubeCluster(kubeConfigFor(server));
    const started = Date.now();
    try {
      const [result] = await cluster.dryRunApply([configMap('shop-dev', 'settings')], { fieldManager: FIELD_MANAGER });
      const getError = await cluster.get(ref('apps/v1', 'Deployment', 'api', 'shop-dev')).catch((err: unknown) => err);

      expect(Date.now() - started).toBeLessThan(8_000);
      expect(result?.outcome).toBe('rejected');
      const error = result?.outcome === 'rejected' ? result.error : undefined;
      expect(error).toBeInstanceOf(ClusterError);
      expect(error?.reason).toBe(Reason.ClusterUnreachable);
      expect(error?.retryable).toBe(true);
      expect(error?.message).toMatch(/^ConfigMap\/shop-dev\/settings dry-run failed: cluster unreachable: .*ECONNREFUSED/);
      expect(getError).toBeInstanceOf(ClusterError);
      expect((getError as ClusterError).message).toMatch(/^Deployment\/shop-dev\/api get failed: cluster unreachable: /);
    } finally {
      cluster.close();
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${check.toString()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
