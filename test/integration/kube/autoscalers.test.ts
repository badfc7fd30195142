// Never fight the autoscaler, on the local platform: the worker's apply path (prepareForApply, handOverToAutoscalers,
// applyObjects) against a real apiserver, with the test acting as the HPA controller and KEDA would (no KEDA
// operator runs locally): it scales through the Deployment's `scale` subresource under their field manager names.
import { AppsV1Api } from '@kubernetes/client-node';
import type { KubeCluster } from '../../../adapters/kube/cluster.js';
import type { KubeObject } from '../../../core/kube/object.js';
import { applyObjects } from '../../../worker/stages/deploy/apply-changes.js';
import { prepareForApply } from '../../../worker/stages/deploy/compute-diff.js';
import { handOverToAutoscalers, handoverManager } from '../../../worker/stages/deploy/hand-over-to-autoscalers.js';
import { kubeConfig } from '../../platform/connect.js';
import { deployment, FIELD_MANAGER, openTestCluster } from './kube-fixtures.js';

const hpa = (namespace: string, name: string, minReplicas: number): KubeObject => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name, namespace },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas, maxReplicas: 8,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
  },
});

const scaledObject = (namespace: string, name: string, minReplicaCount: number): KubeObject => ({
  apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name, namespace },
  spec: {
    scaleTargetRef: { name }, minReplicaCount, maxReplicaCount: 8,
    triggers: [{ type: 'redis', metadata: { address: 'redis:6379', listName: 'orders', listLength: '20' } }],
  },
});

describe('autoscaled workloads under server-side apply', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;
  const apps = kubeConfig().makeApiClient(AppsV1Api);

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('kube-autoscale'));
  });
  afterAll(async () => {
    await cleanup();
  });

  /** A deploy's apply: the render without autoscaled replicas, handed over, applied with force. */
  async function deploy(render: readonly KubeObject[]): Promise<void> {
    const options = { fieldManager: FIELD_MANAGER, signal: new AbortController().signal };
    await applyObjects(await handOverToAutoscalers(prepareForApply(render), cluster, options), cluster, options);
  }

  /** What the HPA controller (or KEDA) does: a write to the `scale` subresource under its own field manager. */
  async function scaleAs(manager: string, name: string, replicas: number): Promise<void> {
    // Unconditional (no resourceVersion): the Deployment controller's status writes would otherwise race this one.
    const body = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace }, spec: { replicas } };
    await apps.replaceNamespacedDeploymentScale({ name, namespace, fieldManager: manager, body });
  }

  async function live(name: string): Promise<{ replicas?: number; image?: string; replicasOwners: string[] }> {
    const d = await apps.readNamespacedDeployment({ name, namespace });
    const replicasOwners = (d.metadata?.managedFields ?? [])
      .filter((f) => (f.fieldsV1 as { 'f:spec'?: Record<string, unknown> } | undefined)?.['f:spec']?.['f:replicas'] !== undefined)
      .map((f) => f.manager ?? '');
    return { replicas: d.spec?.replicas, image: d.spec?.template.spec?.containers[0]?.image, replicasOwners };
  }

  it.each([
    ['an HPA', 'horizontal-pod-autoscaler', 'web-hpa', hpa] as const,
    ['a KEDA ScaledObject', 'keda-operator', 'web-keda', scaledObject] as const,
  ])('with %s: created at its minimum, then a release changing the template keeps the scaled count', async (_, manager, name, scaler) => {
    await deploy([deployment(namespace, name, { replicas: 2 }), scaler(namespace, name, 3)]);
    expect(await live(name)).toMatchObject({ replicas: 3 });

    await scaleAs(manager, name, 6);
    await deploy([deployment(namespace, name, { replicas: 2, image: 'registry.local/web:2.0.0' }), scaler(namespace, name, 3)]);

    const after = await live(name);
    expect(after).toMatchObject({ replicas: 6, image: 'registry.local/web:2.0.0' });
    expect(after.replicasOwners).toEqual([manager]);
  });

  it('hands replicas over when an autoscaler is added to a workload applied with them: neither the manifest count nor 1', async () => {
    const name = 'web-handover';
    await deploy([deployment(namespace, name, { replicas: 4 })]);
    await scaleAs('kubectl-scale', name, 5);
    // Git is the source of truth while no autoscaler exists: the next deploy takes the count back.
    await deploy([deployment(namespace, name, { replicas: 4 })]);
    expect(await live(name)).toMatchObject({ replicas: 4, replicasOwners: [FIELD_MANAGER] });

    await deploy([deployment(namespace, name, { replicas: 2, image: 'registry.local/web:2.0.0' }), hpa(namespace, name, 1)]);

    const after = await live(name);
    expect(after).toMatchObject({ replicas: 4, image: 'registry.local/web:2.0.0' });
    expect(after.replicasOwners).toEqual([handoverManager(FIELD_MANAGER)]);

    // The next release (the HPA has not written yet) still keeps it; then the HPA takes it over.
    await deploy([deployment(namespace, name, { replicas: 2, image: 'registry.local/web:3.0.0' }), hpa(namespace, name, 1)]);
    expect(await live(name)).toMatchObject({ replicas: 4, image: 'registry.local/web:3.0.0' });
    await scaleAs('horizontal-pod-autoscaler', name, 7);
    await deploy([deployment(namespace, name, { replicas: 2, image: 'registry.local/web:4.0.0' }), hpa(namespace, name, 1)]);
    expect(await live(name)).toMatchObject({ replicas: 7, replicasOwners: ['horizontal-pod-autoscaler'] });
  });
});
