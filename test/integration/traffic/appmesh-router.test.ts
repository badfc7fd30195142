// The App Mesh router on the local platform: the App Mesh CRDs served by the real apiserver, Cloud Map in moto.
// No App Mesh controller runs here (none exists outside AWS), so the route objects are what is checked, as the
// controller would read them.
import { CreateHttpNamespaceCommand, ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { AppMeshRouter, APPMESH_API, CloudMapRegistry, meshNames } from '../../../adapters/traffic/appmesh/index.js';
import type { KubeCluster } from '../../../adapters/kube/cluster.js';
import type { KubeObject } from '../../../core/kube/object.js';
import type { ApplyOptions, CallOptions, Cluster, ListQuery } from '../../../core/ports/cluster.js';
import type { CanaryRoute } from '../../../core/ports/traffic-router.js';
import { awsClientConfig, uniqueName } from '../../platform/connect.js';
import { FIELD_MANAGER, openTestCluster, ref } from '../kube/kube-fixtures.js';

const PORT = 8080;

interface RouterSpec {
  routes: { httpRoute: { action: { weightedTargets: { weight: number }[] } } }[];
}

function version(namespace: string, app: string, track: string, replicas: number): KubeObject[] {
  const labels = { app, track };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `${app}-${track}`, namespace },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'registry.local/web:1.0.0' }] } },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: track === 'stable' ? app : `${app}-canary`, namespace },
      spec: { selector: labels, ports: [{ port: PORT, targetPort: PORT }] },
    },
  ];
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until `count` pods of the track are Ready with an IP, and returns their names sorted. */
async function readyPods(cluster: KubeCluster, namespace: string, app: string, track: string, count: number): Promise<string[]> {
  return waitFor(`${count} ready ${track} pods`, async () => {
    const pods = await cluster.list({ apiVersion: 'v1', kind: 'Pod', namespace, labelSelector: `app=${app},track=${track}` });
    const ready = pods.filter((p) => {
      const status = p.status as { podIP?: string; conditions?: { type: string; status: string }[] };
      return !p.metadata.deletionTimestamp && status.podIP && status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    });
    return ready.length === count && pods.length === count ? ready.map((p) => p.metadata.name).sort() : undefined;
  });
}

describe('AppMeshRouter on the local platform', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;
  const mesh = uniqueName('shop');
  const cloudMap = new ServiceDiscoveryClient(awsClientConfig());
  let cloudMapNamespace: string;

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('appmesh'));
    await cluster.apply([{ apiVersion: APPMESH_API, kind: 'Mesh', metadata: { name: mesh }, spec: {} }], { fieldManager: FIELD_MANAGER });
    cloudMapNamespace = `${namespace}.local`;
    await cloudMap.send(new CreateHttpNamespaceCommand({ Name: cloudMapNamespace }));
  });

  afterAll(async () => {
    await cluster.delete(ref(APPMESH_API, 'Mesh', mesh)).catch(() => undefined);
    await cleanup();
    cloudMap.destroy();
  });

  const routeFor = (app: string): CanaryRoute => ({ app, namespace, stableService: app, canaryService: `${app}-canary`, port: PORT });

  it('walks the weights through a VirtualRouter, keeps Cloud Map instances in step with the versions, and cleans up', async () => {
    const app = 'storefront';
    // The identity the manifest's Envoy sidecars present (APPMESH_RESOURCE_ARN), as canaryObjects reads it.
    const route: CanaryRoute = { ...routeFor(app), meshNodes: { mesh, stable: `${app}_${namespace}`, canary: `${app}-canary_${namespace}` } };
    const names = meshNames(route);
    await cluster.apply([...version(namespace, app, 'stable', 2), ...version(namespace, app, 'canary', 1)], { fieldManager: FIELD_MANAGER });
    const stablePods = await readyPods(cluster, namespace, app, 'stable', 2);
    const canaryPods = await readyPods(cluster, namespace, app, 'canary', 1);
    const router = new AppMeshRouter({ cluster, mesh, discovery: { type: 'cloud-map', namespace: cloudMapNamespace, client: cloudMap } });
    const instances = new CloudMapRegistry(cloudMap, cloudMapNamespace);

    expect(await router.check(route)).toEqual([]);
    expect(await router.check({ ...route, meshNodes: { mesh: 'other', stable: app, canary: `${app}-canary` } })).toEqual([
      { message: `Deployment ${namespace}/${app}: the Envoy sidecar's APPMESH_RESOURCE_ARN names mesh other, env.yaml traffic.mesh is ${mesh}` },
    ]);
    expect(await router.readWeights(route)).toBeUndefined();

    await router.setWeights(route, { stable: 90, canary: 10 });
    expect(await router.readWeights(route)).toEqual({ stable: 90, canary: 10 });
    // Each version's node carries, in App Mesh, the name its Envoy presents.
    const stableNode = await cluster.get(ref(APPMESH_API, 'VirtualNode', names.stableNode, namespace));
    expect(stableNode?.spec).toMatchObject({ awsName: `${app}_${namespace}`, podSelector: { matchLabels: { app, track: 'stable' } } });
    const node = await cluster.get(ref(APPMESH_API, 'VirtualNode', names.canaryNode, namespace));
    expect(node?.spec).toMatchObject({
      awsName: `${app}-canary_${namespace}`,
      podSelector: { matchLabels: { app, track: 'canary' } },
      serviceDiscovery: { awsCloudMap: { namespaceName: cloudMapNamespace, serviceName: `${app}-canary` } },
      listeners: [{ portMapping: { port: PORT, protocol: 'http' } }],
    });
    const service = await cluster.get(ref(APPMESH_API, 'VirtualService', names.service, namespace));
    expect(service?.spec).toMatchObject({
      awsName: `${app}.${namespace}.svc.cluster.local`,
      provider: { virtualRouter: { virtualRouterRef: { name: names.router } } },
    });
    expect(await instances.instances(app)).toEqual(stablePods);
    expect(await instances.instances(`${app}-canary`)).toEqual(canaryPods);

    // The canary grows to two pods; the next step registers the new one.
    await cluster.apply(version(namespace, app, 'canary', 2), { fieldManager: FIELD_MANAGER });
    const grown = await readyPods(cluster, namespace, app, 'canary', 2);
    await router.setWeights(route, { stable: 50, canary: 50 });
    await router.setWeights(route, { stable: 50, canary: 50 });
    expect(await router.readWeights(route)).toEqual({ stable: 50, canary: 50 });
    expect(await instances.instances(`${app}-canary`)).toEqual(grown);

    // All traffic back on stable (a promotion or an abort, the canary's pods still running): the canary is no
    // longer discoverable, stable's instances stay.
    await router.setWeights(route, { stable: 100, canary: 0 });
    expect(await instances.instances(`${app}-canary`)).toEqual([]);
    expect(await instances.instances(app)).toEqual(stablePods);

    await router.cleanUp(route);
    expect(await router.readWeights(route)).toEqual({ stable: 100, canary: 0 });
    await waitFor('the canary VirtualNode to be gone', async () =>
      (await cluster.get(ref(APPMESH_API, 'VirtualNode', names.canaryNode, namespace))) ? undefined : true,
    );
    expect(await instances.instances(`${app}-canary`)).toEqual([]);
    expect(await instances.instances(app)).toEqual(stablePods);
  });

  it('finds virtual nodes by their Services\' DNS names when the environment uses DNS', async () => {
    const app = 'catalog';
    const route = routeFor(app);
    await cluster.apply([...version(namespace, app, 'stable', 1), ...version(namespace, app, 'canary', 1)], { fieldManager: FIELD_MANAGER });
    const router = new AppMeshRouter({ cluster, mesh, discovery: { type: 'dns' } });

    await router.setWeights(route, { stable: 75, canary: 25 });

    expect(await router.readWeights(route)).toEqual({ stable: 75, canary: 25 });
    const node = await cluster.get(ref(APPMESH_API, 'VirtualNode', meshNames(route).stableNode, namespace));
    // No identity in the route: the controller's default shape, <name>_<namespace>.
    expect(node?.spec).toMatchObject({
      awsName: `${app}-stable_${namespace}`,
      serviceDiscovery: { dns: { hostname: `${app}.${namespace}.svc.cluster.local` } },
    });
  });

  it("fails with Conflict, and keeps the other writer's change, when the route changes between its read and its write", async () => {
    const app = 'checkout';
    const route = routeFor(app);
    await cluster.apply([...version(namespace, app, 'stable', 1), ...version(namespace, app, 'canary', 1)], { fieldManager: FIELD_MANAGER });
    const router = new AppMeshRouter({ cluster, mesh, discovery: { type: 'dns' } });
    await router.setWeights(route, { stable: 90, canary: 10 });
    // Fault injection: just before the router's next VirtualRouter write, another writer changes the route for real.
    const routerRef = ref(APPMESH_API, 'VirtualRouter', meshNames(route).router, namespace);
    const interleaving: Cluster = Object.assign(Object.create(cluster) as Cluster, {
      apply: async (objects: readonly KubeObject[], options: ApplyOptions) => {
        if (objects.some((o) => o.kind === 'VirtualRouter')) {
          const live = (await cluster.get(routerRef)) as unknown as { metadata: { name: string }; spec: RouterSpec };
          const targets = live.spec.routes[0]!.httpRoute.action.weightedTargets;
          const spec = structuredClone(live.spec);
          spec.routes[0]!.httpRoute.action.weightedTargets = [{ ...targets[0]!, weight: 70 }, { ...targets[1]!, weight: 30 }];
          const edit = { apiVersion: APPMESH_API, kind: 'VirtualRouter', metadata: { name: live.metadata.name, namespace }, spec };
          await cluster.apply([edit], { fieldManager: 'someone-else', force: true });
        }
        return cluster.apply(objects, options);
      },
    });
    const racing = new AppMeshRouter({ cluster: interleaving, mesh, discovery: { type: 'dns' } });

    await expect(racing.setWeights(route, { stable: 50, canary: 50 })).rejects.toMatchObject({ code: 'Conflict' });
    expect(await router.readWeights(route)).toEqual({ stable: 70, canary: 30 });
  });

  it('names a Service that does not exist when asked to route to it', async () => {
    const router = new AppMeshRouter({ cluster, mesh, discovery: { type: 'dns' } });
    await expect(router.setWeights(routeFor('ghost'), { stable: 100, canary: 0 })).rejects.toThrow(
      `Service/${namespace}/ghost does not exist`,
    );
  });

  it('refuses weights that do not sum to 100, before writing anything', async () => {
    const router = new AppMeshRouter({ cluster, mesh, discovery: { type: 'dns' } });
    const route = routeFor('orders');
    await expect(router.setWeights(route, { stable: 80, canary: 30 })).rejects.toThrow('must be whole percentages summing to 100');
    expect(await router.readWeights(route)).toBeUndefined();
  });

  it('reports App Mesh kinds the cluster does not serve, before looking for anything else', async () => {
    // Fault injection: a cluster without the App Mesh CRDs, by asking the real apiserver for a version it does not serve.
    const withoutCrds: Cluster = Object.assign(Object.create(cluster) as Cluster, {
      list: (query: ListQuery, options?: CallOptions) =>
        cluster.list({ ...query, apiVersion: query.apiVersion.replace('v1beta2', 'v1alpha9') }, options),
    });
    const router = new AppMeshRouter({ cluster: withoutCrds, mesh, discovery: { type: 'dns' } });

    const problems = (await router.check(routeFor('storefront'))).map((p) => p.message);

    expect(problems).toHaveLength(4);
    for (const [i, kind] of ['Mesh', 'VirtualNode', 'VirtualRouter', 'VirtualService'].entries())
      expect(problems[i]).toContain(`appmesh.k8s.aws/v1beta2 ${kind} is not served by the cluster (are the App Mesh CRDs installed?)`);
  });

  it('reports a mesh that does not exist and a missing Cloud Map namespace', async () => {
    const router = new AppMeshRouter({
      cluster,
      mesh: 'no-such-mesh',
      discovery: { type: 'cloud-map', namespace: 'no-such.local', client: cloudMap },
    });
    const problems = (await router.check(routeFor('ghost'))).map((p) => p.message);
    expect(problems).toEqual([
      'Mesh no-such-mesh (env.yaml traffic.mesh) does not exist in the cluster',
      'Cloud Map namespace no-such.local (env.yaml traffic.discovery.namespace) does not exist',
    ]);
  });
});
