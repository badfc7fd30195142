import { CANARY_OF_LABEL, canaryMeshNode, canaryObjects } from '../../../../core/canary/canary-objects.js';
import { canaryReadiness } from '../../../../core/canary/canary-readiness.js';
import type { KubeObject } from '../../../../core/kube/object.js';

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'catalog', namespace: 'shop', labels: { app: 'catalog' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'catalog' } },
    template: {
      metadata: { labels: { app: 'catalog', tier: 'web' } },
      spec: { containers: [{ name: 'web', image: 'registry.local/catalog:2' }] },
    },
  },
};
const service: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'catalog', namespace: 'shop' },
  spec: { selector: { app: 'catalog' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
};

describe('canaryObjects', () => {
  const objects = canaryObjects('catalog', deployment, service, 3);

  it("runs the new template beside stable, its pods outside the stable Service's and Deployment's selector", () => {
    expect(objects.deployment.metadata.name).toBe('catalog-canary');
    expect(objects.deployment.spec).toMatchObject({
      replicas: 3,
      selector: { matchLabels: { [CANARY_OF_LABEL]: 'catalog' } },
      template: {
        metadata: { labels: { tier: 'web', [CANARY_OF_LABEL]: 'catalog' } },
        spec: { containers: [{ image: 'registry.local/catalog:2' }] },
      },
    });
    const podLabels = (objects.deployment.spec as { template: KubeObject }).template.metadata.labels ?? {};
    expect(podLabels).not.toHaveProperty('app');
  });

  it('gives the canary a Service selecting only its pods, and routes on the first port', () => {
    expect(objects.service).toMatchObject({
      metadata: { name: 'catalog-canary', namespace: 'shop' },
      spec: { selector: { [CANARY_OF_LABEL]: 'catalog' }, ports: [{ port: 80 }] },
    });
    expect(objects.route).toEqual({
      app: 'catalog',
      namespace: 'shop',
      stableService: 'catalog',
      canaryService: 'catalog-canary',
      port: 80,
    });
  });

  it('runs at least one canary replica', () => {
    expect((canaryObjects('catalog', deployment, service, 0).deployment.spec as { replicas: number }).replicas).toBe(1);
  });

  it('refuses a Service without a port', () => {
    expect(() => canaryObjects('catalog', deployment, { ...service, spec: {} }, 1)).toThrow(
      'Service/shop/catalog has no port to route a canary on',
    );
  });
});

describe('canaryObjects with an App Mesh Envoy sidecar', () => {
  const withEnvoy = (arn: string): KubeObject => ({
    ...deployment,
    spec: {
      ...(deployment.spec as object),
      template: {
        metadata: { labels: { app: 'catalog' } },
        spec: {
          containers: [
            { name: 'web', image: 'registry.local/catalog:2' },
            { name: 'envoy', image: 'envoy', env: [{ name: 'ENVOY_LOG_LEVEL', value: 'info' }, { name: 'APPMESH_RESOURCE_ARN', value: arn }] },
          ],
        },
      },
    },
  });
  const envoyArn = (d: KubeObject) =>
    ((d.spec as { template: { spec: { containers: { name: string; env?: { name: string; value?: string }[] }[] } } }).template.spec.containers
      .find((c) => c.name === 'envoy')
      ?.env?.find((e) => e.name === 'APPMESH_RESOURCE_ARN')?.value);

  it("gives the canary's Envoy the canary node and the route both nodes' names; stable's template keeps its own", () => {
    const rendered = withEnvoy('mesh/shop/virtualNode/catalog_shop');
    const objects = canaryObjects('catalog', rendered, service, 1, { appMesh: true });
    expect(objects.route.meshNodes).toEqual({ mesh: 'shop', stable: 'catalog_shop', canary: 'catalog-canary_shop' });
    expect(envoyArn(objects.deployment)).toBe(`mesh/shop/virtualNode/${objects.route.meshNodes?.canary}`);
    expect(envoyArn(rendered)).toBe(`mesh/shop/virtualNode/${objects.route.meshNodes?.stable}`);
    const env = (objects.deployment.spec as { template: { spec: { containers: { env?: unknown[] }[] } } }).template.spec.containers[1]?.env;
    expect(env?.[0]).toEqual({ name: 'ENVOY_LOG_LEVEL', value: 'info' });
  });

  it('keeps a full ARN\'s prefix', () => {
    const objects = canaryObjects('catalog', withEnvoy('arn:aws:appmesh:us-east-1:123456789012:mesh/shop/virtualNode/catalog'), service, 1, {
      appMesh: true,
    });
    expect(objects.route.meshNodes).toEqual({ mesh: 'shop', stable: 'catalog', canary: 'catalog-canary' });
    expect(envoyArn(objects.deployment)).toBe('arn:aws:appmesh:us-east-1:123456789012:mesh/shop/virtualNode/catalog-canary');
  });

  it('names no nodes when the manifest names no identity', () => {
    expect(canaryObjects('catalog', deployment, service, 1, { appMesh: true }).route).not.toHaveProperty('meshNodes');
  });

  it("keeps the manifest's identity on the canary when the route does not run through App Mesh", () => {
    const rendered = withEnvoy('mesh/shop/virtualNode/catalog_shop');
    const objects = canaryObjects('catalog', rendered, service, 1);
    expect(objects.route).not.toHaveProperty('meshNodes');
    expect(envoyArn(objects.deployment)).toBe('mesh/shop/virtualNode/catalog_shop');
  });

  it('refuses an identity that is not mesh/<mesh>/virtualNode/<node>, naming the Deployment and the env', () => {
    expect(() => canaryObjects('catalog', withEnvoy('catalog'), service, 1, { appMesh: true })).toThrow(
      'Deployment/shop/catalog spec.template: env APPMESH_RESOURCE_ARN "catalog" is not mesh/<mesh>/virtualNode/<node>',
    );
  });

  it("derives the canary's node from the controller's <name>_<namespace> shape", () => {
    expect(canaryMeshNode('storefront_shop-staging', 'shop-staging')).toBe('storefront-canary_shop-staging');
    expect(canaryMeshNode('storefront', 'shop-staging')).toBe('storefront-canary');
  });
});

describe('canaryReadiness', () => {
  const live = (revision: string): KubeObject => ({
    ...deployment,
    metadata: { ...deployment.metadata, annotations: { 'deployment.kubernetes.io/revision': revision } },
  });
  const rs = (revision: string, hash: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `catalog-${hash}`,
      annotations: { 'deployment.kubernetes.io/revision': revision },
      labels: { 'pod-template-hash': hash },
    },
  });
  const pod = (hash: string, ready: boolean, restarts = 0): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p-${hash}`, labels: { 'pod-template-hash': hash } },
    status: {
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [{ restartCount: restarts }],
    },
  });

  it("counts only the current template's pods: old ready pods do not hide new ones that never get ready", () => {
    expect(
      canaryReadiness(
        live('2'),
        [rs('2', 'new'), rs('1', 'old')],
        [pod('old', true), pod('old', true), pod('new', false, 2)],
      ),
    ).toEqual({
      desired: 2,
      ready: 0,
      restarts: 2,
    });
  });

  it('reads a missing Deployment as nothing ready', () => {
    expect(canaryReadiness(undefined, [], [])).toEqual({ desired: 0, ready: 0, restarts: 0 });
  });
});
