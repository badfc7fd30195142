import { Watch } from '@kubernetes/client-node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../../../core/kube/object.js';
import { Reason } from '../../../core/reasons.js';
import { AppMeshRouter, APPMESH_API } from '../../../adapters/traffic/appmesh/index.js';

const GATEWAY_API = 'gateway.networking.k8s.io/v1';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import { kubeConfig } from '../../platform/connect.js';
import {
  canaryOverlay,
  createTestRepo,
  ENV,
  liveByName,
  openWorkerKit,
  pushRequest,
  shortCanary,
  testContext,
  type TestRepo,
  type WorkerKit,
} from './worker-test-kit.js';

/** `stable/canary` as an HTTPRoute's first rule holds it. */
const splitOf = (route: KubeObject | undefined) =>
  ((route?.spec as { rules: { backendRefs: { weight: number }[] }[] } | undefined)?.rules[0]?.backendRefs ?? [])
    .map((backend) => backend.weight)
    .join('/');

const imageOf = (d: KubeObject | undefined) =>
  (d?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec.containers[0]
    ?.image;

/** Every distinct split the HTTPRoute `catalog` holds, in order, from a watch; `onSplit` sees each. */
async function watchSplits(namespace: string, onSplit: (split: string) => void = () => undefined) {
  const seen: string[] = [];
  const request = await new Watch(kubeConfig()).watch(
    `/apis/${GATEWAY_API}/namespaces/${namespace}/httproutes`,
    { fieldSelector: 'metadata.name=catalog' },
    (_phase, object: KubeObject) => {
      const split = splitOf(object);
      if (seen.at(-1) === split) return;
      seen.push(split);
      onSplit(split);
    },
    () => undefined,
  );
  return {
    seen,
    /** Waits until the watch saw `split` (the route is written before the deploy returns; the event may lag). */
    until: async (split: string) => {
      const deadline = Date.now() + 10_000;
      while (seen.at(-1) !== split && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    },
    stop: () => request.abort(),
  };
}

describe('deployEnvironment in a canary environment', () => {
  let kit: WorkerKit;
  let repo: TestRepo;

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('worker-canary');
    // The sample catalog app.yaml, with its canary steps: the environment rolls for now.
    await repo.git.writeFiles({
      'apps/catalog/app.yaml': await readFile(join(process.cwd(), 'apps/catalog/app.yaml'), 'utf8'),
    });
    const sha = await repo.commit('catalog in dev, rolling');
    expect((await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext())).outcome).toBe('succeeded');
  });
  afterAll(async () => {
    await kit.close([repo.namespace]);
    await repo.git.cleanup();
  });

  it('refuses a new catalog version whose Gateway does not exist, naming env.yaml and the field, and applies nothing', async () => {
    const deployments = await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment');
    const before = deployments.get('catalog')?.metadata['resourceVersion'];
    const sha = await repo.git.commitAndPush(
      'catalog 0.2.0, canaried',
      canaryOverlay(repo.namespace, {
        image: { name: 'registry.local/shop/catalog', tag: '0.2.0' },
        featureFlags: true,
      }),
    );

    const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

    expect(result).toMatchObject({ outcome: 'failed', reason: Reason.InvalidConfig });
    expect(result.message).toContain(`environments/${ENV}/env.yaml: traffic (gateway-api, canary of catalog`);
    expect(result.message).toMatch(/traffic\.(gateway|provider)/);
    expect(result.revision).toBeUndefined();
    const after = await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment');
    expect(after.get('catalog')?.metadata['resourceVersion']).toBe(before);
    expect(after.has('catalog-canary')).toBe(false);
    // The ConfigMap the same commit adds was held back too.
    expect((await liveByName(kit.cluster, repo.namespace, 'v1', 'ConfigMap')).has('feature-flags')).toBe(false);
  });

  let promotedRevision: number | undefined;

  it('walks a new catalog version through the steps of app.yaml under the Gateway, and promotes it', async () => {
    const gateway: KubeObject = {
      apiVersion: GATEWAY_API,
      kind: 'Gateway',
      metadata: { name: 'shop-gateway', namespace: repo.namespace },
      spec: { gatewayClassName: 'local', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    };
    const [created] = await kit.cluster.apply([gateway], { fieldManager: 'platform-team' });
    expect(created?.outcome).toBe('applied');
    const route = await watchSplits(repo.namespace);
    try {
      const sha = await repo.git.commitAndPush('catalog 0.3.0, canaried in two short steps', {
        ...canaryOverlay(
          repo.namespace,
          { image: { name: 'registry.local/shop/catalog', tag: '0.3.0' } },
          { name: 'shop-gateway', namespace: repo.namespace },
        ),
        'apps/catalog/app.yaml': await shortCanary(),
      });

      const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

      expect(result).toMatchObject({ outcome: 'succeeded' });
      // What the check run shows: the canary, and that its gate was readiness only.
      expect(result.canaries).toEqual([
        {
          app: 'catalog',
          provider: 'gateway-api',
          outcome: 'promoted after 2 steps',
          gate: 'readiness and restarts only (no analysis.prometheus in env.yaml)',
        },
      ]);
      await route.until('100/0');
      // Every split the live HTTPRoute held, in order, from a watch.
      expect(route.seen).toEqual(['80/20', '50/50', '100/0']);
      promotedRevision = result.revision;
    } finally {
      route.stop();
    }
    const deployments = await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment');
    expect(imageOf(deployments.get('catalog'))).toBe('registry.local/shop/catalog:0.3.0');
    expect((deployments.get('catalog-canary')?.spec as { replicas?: number } | undefined)?.replicas).toBe(0);
    const release = (await kit.releases(repo.namespace).list()).find((r) => r.revision === promotedRevision);
    expect(release?.canaries).toEqual([
      expect.objectContaining({ app: 'catalog', provider: 'gateway-api', phase: 'promoted', step: 1, steps: 2 }),
    ]);
  });

  it('fails a release whose canary stops being ready at the second step, naming the step, the route back on stable', async () => {
    // The fault: once the route holds the second step's split, the canary's pods are replaced by ones that never
    // become ready (kwok's never-ready stage).
    const breakCanary = () =>
      void kit.cluster.apply(
        [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'catalog-canary', namespace: repo.namespace },
            spec: { template: { metadata: { labels: { 'gantry.dev/simulate': 'never-ready' } } } },
          },
        ],
        { fieldManager: 'fault-injection' },
      );
    const route = await watchSplits(repo.namespace, (split) => split === '50/50' && breakCanary());
    try {
      const sha = await repo.git.commitAndPush('catalog 0.4.0, canaried; its pods fail at the second step', {
        ...canaryOverlay(
          repo.namespace,
          { image: { name: 'registry.local/shop/catalog', tag: '0.4.0' }, automaticRollback: false },
          { name: 'shop-gateway', namespace: repo.namespace },
        ),
        'apps/catalog/app.yaml': await shortCanary('1s', '20s'),
      });

      const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

      expect(result).toMatchObject({
        outcome: 'failed',
        reason: Reason.CanaryAborted,
        ref: { kind: 'Deployment', name: 'catalog-canary', namespace: repo.namespace },
      });
      expect(result.message).toMatch(/^catalog \(apps\/catalog\/app\.yaml\): canary failed at step 2 of 2 \(50 %\): /);
      expect(result.canaries).toEqual([
        expect.objectContaining({ app: 'catalog', outcome: 'aborted at step 2 of 2; traffic back on stable' }),
      ]);
      await route.until('100/0');
      // The route stays after a promotion, at 100/0: the watch starts there.
      expect(route.seen).toEqual(['100/0', '80/20', '50/50', '100/0']);
    } finally {
      route.stop();
    }
    const deployments = await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment');
    expect(imageOf(deployments.get('catalog'))).toBe('registry.local/shop/catalog:0.3.0');
    expect((deployments.get('catalog-canary')?.spec as { replicas?: number } | undefined)?.replicas).toBe(0);
    // The fault is lifted: applying nothing under its field manager drops the label it set.
    await kit.cluster.apply(
      [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'catalog-canary', namespace: repo.namespace } }],
      { fieldManager: 'fault-injection' },
    );
  });

  it('resumes a canary stopped mid-walk at the step recorded in the release, never back at the first', async () => {
    const stop = new AbortController();
    const first = testContext(undefined, stop.signal);
    // The fault: the worker stops (its job is cancelled) once the route holds the second step's split.
    const route = await watchSplits(repo.namespace, (split) => split === '50/50' && stop.abort());
    try {
      const sha = await repo.git.commitAndPush('catalog 0.5.0, canaried; the worker stops at the second step', {
        ...canaryOverlay(
          repo.namespace,
          { image: { name: 'registry.local/shop/catalog', tag: '0.5.0' } },
          { name: 'shop-gateway', namespace: repo.namespace },
        ),
        'apps/catalog/app.yaml': await shortCanary('1s', '3s'),
      });
      await expect(deployEnvironment(pushRequest(repo, sha), kit.deps, first)).rejects.toThrow();

      const resumed = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext(first.progress));

      expect(resumed).toMatchObject({ outcome: 'succeeded' });
      await route.until('100/0');
      expect(route.seen).toEqual(['100/0', '80/20', '50/50', '100/0']);
    } finally {
      route.stop();
    }
    const deployments = await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment');
    expect(imageOf(deployments.get('catalog'))).toBe('registry.local/shop/catalog:0.5.0');
  });

  it('walks the canary through App Mesh where env.yaml routes through a mesh, and promotes it', async () => {
    const mesh = `${repo.namespace}-mesh`;
    const [created] = await kit.cluster.apply(
      [{ apiVersion: APPMESH_API, kind: 'Mesh', metadata: { name: mesh }, spec: {} }],
      { fieldManager: 'platform-team' },
    );
    expect(created?.outcome).toBe('applied');
    try {
      const overlay = canaryOverlay(repo.namespace, { image: { name: 'registry.local/shop/catalog', tag: '0.6.0' } });
      const envYaml = overlay[`environments/${ENV}/env.yaml`] as string;
      const sha = await repo.git.commitAndPush('catalog 0.6.0, canaried through App Mesh', {
        ...overlay,
        [`environments/${ENV}/env.yaml`]: envYaml.replace(
          /traffic:\n[\s\S]*$/,
          `traffic:\n  provider: appmesh\n  mesh: ${mesh}\n`,
        ),
        'apps/catalog/app.yaml': await shortCanary(),
      });

      const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

      expect(result).toMatchObject({ outcome: 'succeeded' });
      expect(result.canaries).toEqual([
        expect.objectContaining({ app: 'catalog', provider: 'appmesh', outcome: 'promoted after 2 steps' }),
      ]);
      const router = new AppMeshRouter({ cluster: kit.cluster, mesh, discovery: { type: 'dns' } });
      const route = {
        app: 'catalog',
        namespace: repo.namespace,
        stableService: 'catalog',
        canaryService: 'catalog-canary',
        port: 80,
      };
      expect(await router.readWeights(route)).toEqual({ stable: 100, canary: 0 });
      const deployments = await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment');
      expect(imageOf(deployments.get('catalog'))).toBe('registry.local/shop/catalog:0.6.0');
    } finally {
      await kit.cluster
        .delete({ group: 'appmesh.k8s.aws', version: 'v1beta2', kind: 'Mesh', name: mesh })
        .catch(() => undefined);
    }
  });

  it('fails a release whose canary never becomes Available, scaled down, without moving any traffic', async () => {
    const before = await kit.cluster.get({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      kind: 'HTTPRoute',
      namespace: repo.namespace,
      name: 'catalog',
    });
    const sha = await repo.git.commitAndPush('catalog 0.7.0, whose pods never become ready', {
      ...canaryOverlay(
        repo.namespace,
        { image: { name: 'registry.local/shop/catalog', tag: '0.7.0' }, neverReady: true, automaticRollback: false },
        { name: 'shop-gateway', namespace: repo.namespace },
      ),
      'apps/catalog/app.yaml': await shortCanary(),
    });

    const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

    expect(result).toMatchObject({
      outcome: 'failed',
      ref: { kind: 'Deployment', name: 'catalog-canary', namespace: repo.namespace },
    });
    expect(result.message).toContain('the canary did not become Available');
    const deployments = await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment');
    expect((deployments.get('catalog-canary')?.spec as { replicas?: number } | undefined)?.replicas).toBe(0);
    expect(imageOf(deployments.get('catalog'))).not.toBe('registry.local/shop/catalog:0.7.0');
    const after = await kit.cluster.get({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      kind: 'HTTPRoute',
      namespace: repo.namespace,
      name: 'catalog',
    });
    expect(after?.metadata['resourceVersion']).toBe(before?.metadata['resourceVersion']);
  });
});
