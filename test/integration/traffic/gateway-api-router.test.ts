// The Gateway API router against the real apiserver with the upstream Gateway API CRDs and the platform's Gateway
// controller stand-in (test/platform/gateway-routes/), which marks routes Accepted as an implementation would.
import { Watch } from '@kubernetes/client-node';
import type { KubeCluster } from '../../../adapters/kube/cluster.js';
import { GatewayApiRouter, TRAFFIC_FIELD_MANAGER } from '../../../adapters/traffic/gateway-api-router.js';
import type { KubeObject, ObjectRef } from '../../../core/kube/object.js';
import type { CallOptions, Cluster } from '../../../core/ports/cluster.js';
import type { CanaryRoute, RouteWeights } from '../../../core/ports/traffic-router.js';
import { kubeConfig } from '../../platform/connect.js';
import { FIELD_MANAGER, openTestCluster } from '../kube/kube-fixtures.js';

const GATEWAY_API = 'gateway.networking.k8s.io/v1';

describe('GatewayApiRouter against the local platform', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;
  let router: GatewayApiRouter;
  let route: CanaryRoute;

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('gateway-router'));
    const served = await cluster
      .list({ apiVersion: GATEWAY_API, kind: 'HTTPRoute', namespace })
      .then(() => true)
      .catch(() => false);
    if (!served) throw new Error(`the platform does not serve ${GATEWAY_API} HTTPRoute: install the Gateway API CRDs`);
    const gateway: KubeObject = {
      apiVersion: GATEWAY_API,
      kind: 'Gateway',
      metadata: { name: 'shop-gateway', namespace },
      spec: { gatewayClassName: 'local', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    };
    const [result] = await cluster.apply([gateway], { fieldManager: FIELD_MANAGER });
    if (result?.outcome !== 'applied') throw new Error(`Gateway not created: ${JSON.stringify(result)}`);
    router = new GatewayApiRouter(cluster, { gateway: { name: 'shop-gateway', namespace }, acceptTimeoutMs: 15_000 });
    route = { app: 'catalog', namespace, stableService: 'catalog', canaryService: 'catalog-canary', port: 80 };
  });
  afterAll(() => cleanup());

  it('finds nothing missing when the Gateway exists, and names env.yaml traffic.gateway when it does not', async () => {
    expect(await router.check(route)).toEqual([]);
    const elsewhere = new GatewayApiRouter(cluster, { gateway: { name: 'no-such-gateway', namespace } });
    expect(await elsewhere.check(route)).toEqual([
      {
        message: `traffic.gateway: Gateway/${namespace}/no-such-gateway does not exist, so the canary of catalog has no Gateway to attach its HTTPRoute to`,
      },
    ]);
  });

  it('names traffic.provider when the cluster does not serve the Gateway API kinds', async () => {
    // Fault injection: a cluster without the Gateway API CRDs, by asking the real apiserver for a version it does not serve.
    const withoutCrds: Cluster = Object.assign(Object.create(cluster) as Cluster, {
      get: (ref: ObjectRef, options?: CallOptions) => cluster.get({ ...ref, version: 'v1alpha9' }, options),
    });
    const router = new GatewayApiRouter(withoutCrds, { gateway: { name: 'shop-gateway', namespace } });

    expect(await router.check(route)).toEqual([
      {
        message:
          'traffic.provider gateway-api: the cluster does not serve gateway.networking.k8s.io/v1 Gateway and HTTPRoute (the Gateway API CRDs are not installed), needed by the canary of catalog',
      },
    ]);
  });

  it('walks the weights in order, each Accepted before the call returns, as a watch on the route sees them', async () => {
    const seen: string[] = [];
    const watch = await new Watch(kubeConfig()).watch(
      `/apis/${GATEWAY_API}/namespaces/${namespace}/httproutes`,
      {},
      (_phase, object: KubeObject) => {
        const refs = (object.spec as { rules: { backendRefs: { weight: number }[] }[] }).rules[0]?.backendRefs ?? [];
        const split = refs.map((r) => r.weight).join('/');
        if (seen.at(-1) !== split) seen.push(split);
      },
      () => undefined,
    );
    try {
      const steps: RouteWeights[] = [
        { stable: 90, canary: 10 },
        { stable: 70, canary: 30 },
        { stable: 40, canary: 60 },
        { stable: 100, canary: 0 },
      ];
      for (const weights of steps) {
        await router.setWeights(route, weights);
        expect(await router.readWeights(route)).toEqual(weights);
      }
      const expected = steps.map((w) => `${w.stable}/${w.canary}`);
      const deadline = Date.now() + 10_000;
      while (seen.length < expected.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual(expected);
    } finally {
      watch.abort();
    }
  });

  it('owns the weights under its own field manager, so the environment apply never carries them', async () => {
    await router.setWeights(route, { stable: 80, canary: 20 });
    const live = await cluster.get({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      kind: 'HTTPRoute',
      namespace,
      name: 'catalog',
    });
    const managers = (live?.metadata.managedFields as { manager: string; operation: string }[]).map(
      (f) => `${f.manager}/${f.operation}`,
    );
    expect(managers).toContain(`${TRAFFIC_FIELD_MANAGER}/Apply`);
    expect(managers).not.toContain('gantry/Apply');
  });

  it('reads no weights before the route exists, and puts everything on stable on clean up', async () => {
    const other = { ...route, app: 'orders', stableService: 'orders', canaryService: 'orders-canary' };
    expect(await router.readWeights(other)).toBeUndefined();
    await router.setWeights(other, { stable: 50, canary: 50 });
    await router.cleanUp(other);
    expect(await router.readWeights(other)).toEqual({ stable: 100, canary: 0 });
  });

  it('fails with the route and the Gateway named when the Gateway does not accept the route', async () => {
    const orphan = new GatewayApiRouter(cluster, {
      gateway: { name: 'no-such-gateway', namespace },
      acceptTimeoutMs: 10_000,
    });
    await expect(orphan.setWeights({ ...route, app: 'lost' }, { stable: 90, canary: 10 })).rejects.toThrow(
      `HTTPRoute/${namespace}/lost: not accepted by Gateway ${namespace}/no-such-gateway: NoMatchingParent`,
    );
  });

  it('refuses weights that do not add up to 100 before touching the route', async () => {
    await expect(router.setWeights(route, { stable: 90, canary: 20 })).rejects.toThrow(
      'route weights must be integers 0–100 adding up to 100, got 90/20',
    );
  });
});
