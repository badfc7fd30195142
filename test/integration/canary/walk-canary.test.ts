// A canary walked on the local platform: real apiserver, kwok pods, the Gateway API router and the platform's Gateway
// controller stand-in. The weights are recorded from a watch on the HTTPRoute, in order.
import { Watch } from '@kubernetes/client-node';
import type { KubeCluster } from '../../../adapters/kube/cluster.js';
import { KubeReleaseStore } from '../../../adapters/kube/release-store.js';
import { GatewayApiRouter } from '../../../adapters/traffic/gateway-api-router.js';
import { canaryObjects } from '../../../core/canary/canary-objects.js';
import type { AppCanary } from '../../../core/config/app-workload.js';
import type { KubeObject } from '../../../core/kube/object.js';
import type { CanaryProgress } from '../../../core/release/release.js';
import { canaryRecorder } from '../../../worker/stages/canary/canary-recorder.js';
import { walkCanary, type CanaryDeps, type CanaryWalk } from '../../../worker/stages/canary/walk-canary.js';
import { kubeConfig } from '../../platform/connect.js';
import { deployment, FIELD_MANAGER, openTestCluster } from '../kube/kube-fixtures.js';

const GATEWAY_API = 'gateway.networking.k8s.io/v1';
const IMAGE_V1 = 'registry.local/web:1.0.0';
const IMAGE_V2 = 'registry.local/web:2.0.0';

/** Short pauses (the sample apps' are minutes); no failed check tolerated, so a failure aborts at once. */
const canary = (pauses: readonly [number, number, number]): AppCanary => ({
  steps: [
    { weight: 10, pause: pauses[0] },
    { weight: 30, pause: pauses[1] },
    { weight: 60, pause: pauses[2] },
  ],
  interval: 500,
  analysis: { minSuccessRate: 99, maxLatencyP99: 500, maxFailedChecks: 0 },
});

describe('walkCanary on the local platform (Gateway API, readiness gate)', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;
  let router: GatewayApiRouter;

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('canary-walk'));
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
    router = new GatewayApiRouter(cluster, { gateway: { name: 'shop-gateway', namespace } });
  });
  afterAll(() => cleanup());

  /** A stable app (v1, Available) and the walk to v2 for it. */
  async function stableApp(app: string, pauses: readonly [number, number, number]): Promise<CanaryWalk> {
    const stable = deployment(namespace, app, { replicas: 2, image: IMAGE_V1 });
    const service: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: app, namespace },
      spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    };
    await cluster.apply([stable, service], { fieldManager: FIELD_MANAGER });
    const release = deployment(namespace, app, { replicas: 2, image: IMAGE_V2 });
    return { app, canary: canary(pauses), objects: canaryObjects(app, release, service, 2), release };
  }

  function deps(records: CanaryProgress[]): CanaryDeps {
    return {
      cluster,
      router,
      fieldManager: FIELD_MANAGER,
      availableTimeoutMs: 60_000,
      record: (progress) => {
        records.push(progress);
        return Promise.resolve();
      },
    };
  }

  /** Every distinct split the HTTPRoute of `app` held, `stable/canary`, in order; `onSplit` sees each. */
  async function watchRoute(app: string, onSplit: (split: string) => void = () => undefined) {
    const seen: string[] = [];
    const request = await new Watch(kubeConfig()).watch(
      `/apis/${GATEWAY_API}/namespaces/${namespace}/httproutes`,
      { fieldSelector: `metadata.name=${app}` },
      (_phase, object: KubeObject) => {
        const refs = (object.spec as { rules: { backendRefs: { weight: number }[] }[] }).rules[0]?.backendRefs ?? [];
        const split = refs.map((r) => r.weight).join('/');
        if (seen.at(-1) !== split) {
          seen.push(split);
          onSplit(split);
        }
      },
      () => undefined,
    );
    return {
      seen,
      /** Waits until the watch saw `split` (the route is written before the walk returns; the event may lag). */
      until: async (split: string) => {
        const deadline = Date.now() + 10_000;
        while (seen.at(-1) !== split && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      },
      stop: () => request.abort(),
    };
  }

  const live = async (name: string) =>
    cluster.get({ group: 'apps', version: 'v1', kind: 'Deployment', namespace, name }) as Promise<KubeObject>;
  const imageOf = (d: KubeObject) =>
    (d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]?.image;
  const replicasOf = (d: KubeObject) => (d.spec as { replicas: number }).replicas;
  const available = (d: KubeObject) =>
    ((d.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some(
      (c) => c.type === 'Available' && c.status === 'True',
    );

  it("walks every step, the route holding each step's weights in order, and ends promoted", async () => {
    const walk = await stableApp('catalog', [1_000, 1_000, 1_000]);
    const route = await watchRoute('catalog');
    const records: CanaryProgress[] = [];
    try {
      const outcome = await walkCanary(walk, undefined, deps(records), new AbortController().signal);
      await route.until('100/0');
      expect(outcome.kind).toBe('promoted');
      expect(route.seen).toEqual(['90/10', '70/30', '40/60', '100/0']);
    } finally {
      route.stop();
    }
    expect(imageOf(await live('catalog'))).toBe(IMAGE_V2);
    expect(replicasOf(await live('catalog-canary'))).toBe(0);
    expect(records.map((r) => `${r.phase}:${r.step}`)).toEqual(
      expect.arrayContaining(['stepping:0', 'stepping:1', 'stepping:2', 'promoting:2', 'promoted:2']),
    );
    expect(
      records.at(-1)?.gates.every((g) => g.findings.includes('no metrics source configured: readiness only')),
    ).toBe(true);
  });

  it('routes back to 100/0 on an Available stable when the canary pods fail at the second step, naming the step', async () => {
    const walk = await stableApp('storefront', [1_000, 30_000, 1_000]);
    // The fault: at step 2 the canary's pods are replaced by ones that never become ready (kwok's never-ready stage).
    const breakCanary = () =>
      void cluster.apply(
        [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'storefront-canary', namespace },
            spec: { template: { metadata: { labels: { 'gantry.dev/simulate': 'never-ready' } } } },
          },
        ],
        { fieldManager: 'fault-injection' },
      );
    const route = await watchRoute('storefront', (split) => split === '70/30' && breakCanary());
    try {
      const outcome = await walkCanary(walk, undefined, deps([]), new AbortController().signal);
      await route.until('100/0');
      expect(outcome.kind).toBe('aborted');
      expect(outcome.kind === 'aborted' && outcome.message).toMatch(/^canary failed at step 2 of 3 \(30 %\): /);
      expect(route.seen).toEqual(['90/10', '70/30', '100/0']);
    } finally {
      route.stop();
    }
    const stable = await live('storefront');
    expect(imageOf(stable)).toBe(IMAGE_V1);
    expect(available(stable)).toBe(true);
    expect(replicasOf(await live('storefront-canary'))).toBe(0);
  });

  it('resumes a walk stopped mid-canary at the step recorded in the release, never back to the first step', async () => {
    const walk = await stableApp('orders', [1_000, 3_000, 1_000]);
    const store = new KubeReleaseStore(cluster, { environment: 'staging', namespace, fieldManager: FIELD_MANAGER });
    const { revision } = await store.record(
      {
        deployId: 'delivery-1/staging',
        commit: 'c0ffee',
        manifestDigest: 'sha256:c0ffee',
        inventory: [],
        outcome: 'deploying',
        startedAt: new Date().toISOString(),
      },
      [walk.release],
    );
    const durable = (): CanaryDeps => ({ ...deps([]), record: canaryRecorder(store, revision) });
    const controller = new AbortController();
    const route = await watchRoute(
      'orders',
      (split) => split === '70/30' && controller.abort(new Error('worker killed')),
    );
    try {
      await expect(walkCanary(walk, undefined, durable(), controller.signal)).rejects.toThrow('worker killed');
      // What a new worker finds: the release record, read back from the cluster.
      const recorded = (await store.list())
        .find((r) => r.revision === revision)
        ?.canaries?.find((c) => c.app === 'orders');
      expect(recorded).toMatchObject({ phase: 'stepping', step: 1, weights: { stable: 70, canary: 30 } });
      const outcome = await walkCanary(walk, recorded, durable(), new AbortController().signal);
      await route.until('100/0');
      expect(outcome.kind).toBe('promoted');
      expect(route.seen).toEqual(['90/10', '70/30', '40/60', '100/0']);
    } finally {
      route.stop();
    }
    const settled = (await store.list()).find((r) => r.revision === revision)?.canaries;
    expect(settled).toEqual([
      expect.objectContaining({ app: 'orders', phase: 'promoted', weights: { stable: 100, canary: 0 } }),
    ]);
  });
});
