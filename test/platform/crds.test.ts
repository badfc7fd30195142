import { ApisApi } from '@kubernetes/client-node';
import type { KubeObject } from '../../core/kube/object.js';
import { FIELD_MANAGER, openTestCluster } from '../integration/kube/kube-fixtures.js';
import type { KubeCluster } from '../../adapters/kube/cluster.js';
import { CRD_GROUPS } from './components/crds.js';
import { kubeConfig } from './connect.js';

/** For each installed group: its version, a valid object, and the same object with one misspelt field. */
function samples(namespace: string): Record<keyof typeof CRD_GROUPS, { version: string; valid: KubeObject; typo: KubeObject; field: string }> {
  const meta = (name: string) => ({ name, namespace });
  const scaledObject = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: meta('orders'),
    spec: { scaleTargetRef: { name: 'orders' }, triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } }], ...spec },
  });
  const vpa = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'autoscaling.k8s.io/v1', kind: 'VerticalPodAutoscaler', metadata: meta('storefront'),
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'storefront' }, ...spec },
  });
  const route = (rule: Record<string, unknown>): KubeObject => ({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta('storefront'),
    spec: { parentRefs: [{ name: 'public' }], rules: [{ backendRefs: [{ name: 'storefront', port: 80, weight: 90 }, { name: 'storefront-canary', port: 80, weight: 10 }], ...rule }] },
  });
  const router = (target: Record<string, unknown>): KubeObject => ({
    apiVersion: 'appmesh.k8s.aws/v1beta2', kind: 'VirtualRouter', metadata: meta('storefront'),
    spec: {
      listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
      routes: [{ name: 'web', httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNodeRef: { name: 'storefront' }, weight: 100, ...target }] } } }],
    },
  });
  return {
    'keda.sh': { version: 'v1alpha1', valid: scaledObject({ minReplicaCount: 2 }), typo: scaledObject({ minReplicaCout: 2 }), field: 'minReplicaCout' },
    'autoscaling.k8s.io': { version: 'v1', valid: vpa({ updatePolicy: { updateMode: 'Off' } }), typo: vpa({ updatePolicy: { updateMod: 'Off' } }), field: 'updateMod' },
    'gateway.networking.k8s.io': { version: 'v1', valid: route({}), typo: route({ matchs: [] }), field: 'matchs' },
    'appmesh.k8s.aws': { version: 'v1beta2', valid: router({}), typo: router({ wieght: 1 }), field: 'wieght' },
  };
}

describe('the CRDs installed on the local platform', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('platform-crds'));
  });
  afterAll(async () => {
    await cleanup();
  });

  it('serves each group at the version the product uses', async () => {
    const groups = (await kubeConfig().makeApiClient(ApisApi).getAPIVersions()).groups;
    for (const [group, { version }] of Object.entries(samples(namespace))) {
      expect({ group, versions: groups.find((g) => g.name === group)?.versions.map((v) => v.version) }).toEqual({ group, versions: expect.arrayContaining([version]) });
    }
  });

  it.each(Object.keys(CRD_GROUPS))('%s: stores a valid object and rejects a misspelt field, naming it', async (group) => {
    const sample = samples(namespace)[group as keyof typeof CRD_GROUPS];
    const [valid] = await cluster.apply([sample.valid], { fieldManager: FIELD_MANAGER });
    expect(valid?.outcome === 'failed' ? valid.error.message : valid?.outcome).toBe('applied');

    const [typo] = await cluster.dryRunApply([sample.typo], { fieldManager: FIELD_MANAGER });
    expect(typo?.outcome).toBe('rejected');
    expect(typo?.outcome === 'rejected' && typo.error.code).toBe('Invalid');
    expect(typo?.outcome === 'rejected' && typo.error.message).toContain(sample.field);
  });

  it('enforces the schemas\' bounds, not just field names: an App Mesh weight above 100 is refused', async () => {
    const over = samples(namespace)['appmesh.k8s.aws'].valid;
    const spec = structuredClone(over.spec) as { routes: { httpRoute: { action: { weightedTargets: { weight: number }[] } } }[] };
    spec.routes[0]!.httpRoute.action.weightedTargets[0]!.weight = 101;
    const [result] = await cluster.dryRunApply([{ ...over, spec }], { fieldManager: FIELD_MANAGER });
    expect(result?.outcome === 'rejected' && result.error.message).toMatch(/weight.*100/);
  });
});
