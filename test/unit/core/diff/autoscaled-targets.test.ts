import { autoscalerConflicts } from '../../../../core/diff/autoscaler-conflicts.js';
import { fieldsLeftToOthers } from '../../../../core/diff/left-to-others.js';
import { autoscaledTargets, ownsReplicas, replicasHandover, seedReplicas } from '../../../../core/diff/ignore-rules.js';
import type { KubeObject } from '../../../../core/kube/object.js';

const deployment = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'shop', ...extra }, spec: { template: {} },
});
const hpa = (target: string, minReplicas?: number): KubeObject => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: target, namespace: 'shop' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, maxReplicas: 5, ...(minReplicas !== undefined && { minReplicas }) },
});
const scaledObject = (target: string, minReplicaCount?: number): KubeObject => ({
  apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: target, namespace: 'shop' },
  spec: { scaleTargetRef: { name: target }, ...(minReplicaCount !== undefined && { minReplicaCount }) },
});

describe('autoscaled targets', () => {
  it('reads the target and minimum of HPAs and ScaledObjects, with their defaults (1, and KEDA 0)', () => {
    expect(autoscaledTargets([hpa('a', 3), hpa('b'), scaledObject('c', 2), scaledObject('d'), deployment('a')])).toEqual([
      { kind: 'Deployment', name: 'a', namespace: 'shop', seed: 3, scaler: 'HorizontalPodAutoscaler/a' },
      { kind: 'Deployment', name: 'b', namespace: 'shop', seed: 1, scaler: 'HorizontalPodAutoscaler/b' },
      { kind: 'Deployment', name: 'c', namespace: 'shop', seed: 2, scaler: 'ScaledObject/c' },
      { kind: 'Deployment', name: 'd', namespace: 'shop', seed: 0, scaler: 'ScaledObject/d' },
    ]);
  });

  it('seeds replicas only on targets that are not live yet', () => {
    const [created, live, other] = seedReplicas([deployment('a'), deployment('b'), deployment('c'), hpa('a', 3), hpa('b', 2)], (obj) => obj.metadata.name === 'b');
    expect(created?.['spec']).toEqual({ template: {}, replicas: 3 });
    expect(live?.['spec']).toEqual({ template: {} });
    expect(other?.['spec']).toEqual({ template: {} });
  });

  it('sees who owns replicas through an Apply entry of the managed fields', () => {
    const fields = (manager: string, operation: string, spec: Record<string, unknown>) => ({ manager, operation, fieldsV1: { 'f:spec': spec } });
    const owned = deployment('a', { managedFields: [fields('gantry', 'Apply', { 'f:replicas': {}, 'f:template': {} })] });
    const updated = deployment('a', { managedFields: [fields('gantry', 'Update', { 'f:replicas': {} }), fields('gantry', 'Apply', { 'f:template': {} })] });
    expect(ownsReplicas(owned, 'gantry')).toBe(true);
    expect(ownsReplicas(owned, 'other')).toBe(false);
    expect(ownsReplicas(updated, 'gantry')).toBe(false);
  });

  it('hands over with a replicas-only object carrying the live count', () => {
    const live = { ...deployment('a', { uid: 'x', resourceVersion: '9' }), spec: { replicas: 4, template: { spec: {} } } };
    expect(replicasHandover(live)).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a', namespace: 'shop' }, spec: { replicas: 4 } });
  });
});

describe('autoscalers that would fight', () => {
  const vpa = (target: string, updateMode?: string): KubeObject => ({
    apiVersion: 'autoscaling.k8s.io/v1', kind: 'VerticalPodAutoscaler', metadata: { name: target, namespace: 'shop' },
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, ...(updateMode && { updatePolicy: { updateMode } }) },
  });
  const cpuHpa = (target: string): KubeObject => ({
    ...hpa(target), spec: { ...(hpa(target)['spec'] as object), metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] },
  });

  it('refuses two scalers on one workload, naming both', () => {
    expect(autoscalerConflicts([hpa('a'), scaledObject('a'), hpa('b')])).toEqual([{
      path: 'ScaledObject/a: spec.scaleTargetRef',
      message: 'Deployment/a is already scaled by HorizontalPodAutoscaler/a; two scalers would fight over its replicas, keep one',
    }]);
  });

  it('refuses a VPA that changes pods beside an HPA on CPU, the default mode included; Off and Initial pass', () => {
    expect(autoscalerConflicts([vpa('a'), cpuHpa('a')])).toEqual([{
      path: 'VerticalPodAutoscaler/a: spec.updatePolicy.updateMode',
      message: expect.stringMatching(/^is Recreate, but HorizontalPodAutoscaler\/a \(cpu\) scales Deployment\/a on a resource this VPA controls/),
    }]);
    expect(autoscalerConflicts([vpa('a', 'InPlaceOrRecreate'), cpuHpa('a')])).toHaveLength(1);
    expect(autoscalerConflicts([vpa('a', 'Off'), cpuHpa('a')])).toEqual([]);
    expect(autoscalerConflicts([vpa('a', 'Initial'), cpuHpa('a')])).toEqual([]);
    expect(autoscalerConflicts([vpa('a', 'Recreate'), hpa('a'), vpa('b'), cpuHpa('c')])).toEqual([]);
  });

  it('lets a VPA that controls only memory run beside an HPA on CPU; a policy still controlling CPU somewhere is refused', () => {
    const withPolicies = (containerPolicies: unknown[]): KubeObject => ({ ...vpa('a'), spec: { ...(vpa('a')['spec'] as object), resourcePolicy: { containerPolicies } } });
    expect(autoscalerConflicts([withPolicies([{ containerName: '*', controlledResources: ['memory'] }]), cpuHpa('a')])).toEqual([]);
    expect(autoscalerConflicts([withPolicies([{ containerName: '*', controlledResources: ['memory'] }, { containerName: 'envoy', mode: 'Off' }]), cpuHpa('a')])).toEqual([]);
    // Containers without a policy (no `*`) keep the defaults, cpu included.
    expect(autoscalerConflicts([withPolicies([{ containerName: 'web', controlledResources: ['memory'] }]), cpuHpa('a')])).toHaveLength(1);
    expect(autoscalerConflicts([withPolicies([{ containerName: '*', controlledResources: ['memory'] }, { containerName: 'web', controlledResources: ['cpu'] }]), cpuHpa('a')])).toHaveLength(1);
  });
});

describe('fieldsLeftToOthers: what drift never reports', () => {
  it('leaves an autoscaled workload’s spec.replicas to its scaler, and nothing of a workload without one', () => {
    const left = fieldsLeftToOthers([deployment('a'), deployment('b'), hpa('a'), scaledObject('c')]);
    expect([...left]).toEqual([['apps_Deployment_shop_a', ['spec.replicas']]]);
  });
});
