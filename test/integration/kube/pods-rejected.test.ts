// A Deployment the apiserver accepts but whose pods it rejects (pod-only validation): the ReplicaSet controller
// reports FailedCreate, and the health rules fail it at once instead of waiting out the progress deadline. The
// sample environments once shipped exactly this (matchLabelKeys repeating a labelSelector key).
import { assessHealth } from '../../../core/health/assess-health.js';
import type { HealthStatus } from '../../../core/health/health-status.js';
import { deployment, FIELD_MANAGER, openTestCluster, ref } from './kube-fixtures.js';
import type { KubeCluster } from '../../../adapters/kube/cluster.js';

describe('health of a Deployment whose pods the apiserver rejects (real control plane)', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('kube-pods-rejected'));
  });
  afterAll(() => cleanup());

  async function healthOf(name: string): Promise<HealthStatus> {
    const snapshot = await cluster.readRollout(ref('apps/v1', 'Deployment', name, namespace));
    return assessHealth(snapshot.workload, { pods: snapshot.pods, replicaSets: snapshot.replicaSets });
  }

  async function eventually(name: string, done: (health: HealthStatus) => boolean): Promise<HealthStatus> {
    const deadline = Date.now() + 60_000;
    let health = await healthOf(name);
    while (!done(health) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      health = await healthOf(name);
    }
    return health;
  }

  it('is Degraded (PodRejected) with the apiserver’s message while its 600 s progress deadline is far off', async () => {
    const invalid = deployment(namespace, 'shop', { replicas: 2 });
    const template = (invalid['spec'] as { template: { spec: Record<string, unknown> } }).template;
    template.spec['affinity'] = {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: 'kubernetes.io/hostname',
              labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
              matchLabelKeys: ['app'],
            },
          },
        ],
      },
    };
    (invalid['spec'] as Record<string, unknown>)['progressDeadlineSeconds'] = 600;
    await cluster.apply([invalid], { fieldManager: FIELD_MANAGER });

    const health = await eventually('shop', (h) => h.status !== 'Progressing');

    expect(health).toMatchObject({ status: 'Degraded', reason: 'PodRejected' });
    expect(health.message).toMatch(/is invalid: .*matchLabelKeys/);
  });

  it('keeps a valid Deployment out of that verdict: it becomes Healthy', async () => {
    await cluster.apply([deployment(namespace, 'fine', { replicas: 2 })], { fieldManager: FIELD_MANAGER });

    const health = await eventually('fine', (h) => h.status === 'Healthy');

    expect(health.status).toBe('Healthy');
  });
});
