import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../../../core/kube/object.js';
import { Reason } from '../../../core/reasons.js';
import { AppMeshRouter, APPMESH_API } from '../../../adapters/traffic/appmesh/index.js';

import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import { canaryProgressReport } from '../../../worker/report-jobs.js';
import type { CanaryProgress } from '../../../core/release/release.js';
import { need } from '../../platform/connect.js';
import { GATEWAY_API, imageOf, watchSplits } from './canary-test-kit.js';
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

/**
 * A stand-in for the canary's request traffic: every 200 ms it pushes catalog-canary's cumulative counters to the
 * pushgateway (the series apps expose, apps/README.md "Metrics"), 20 more requests each time, all 200 and fast until
 * `fail()`, all 500 after. Prometheus scrapes the pushgateway every second, so the gate's window sees a rising count.
 */
function canaryTraffic(namespace: string) {
  const labels = `app="catalog",namespace="${namespace}",version="catalog-canary"`;
  const group = `${need('metrics').pushgatewayUrl}/metrics/job/gantry-test/instance/${namespace}-catalog-canary`;
  let ok = 0;
  let failed = 0;
  let failing = false;
  let stopped = false;
  const pushOnce = async () => {
    if (failing) failed += 20;
    else ok += 20;
    const total = ok + failed;
    const body = [
      '# TYPE http_requests_total counter',
      `http_requests_total{${labels},code="200"} ${ok}`,
      `http_requests_total{${labels},code="500"} ${failed}`,
      '# TYPE http_request_duration_seconds histogram',
      `http_request_duration_seconds_bucket{${labels},le="0.05"} ${total}`,
      `http_request_duration_seconds_bucket{${labels},le="+Inf"} ${total}`,
      `http_request_duration_seconds_sum{${labels}} ${total * 0.01}`,
      `http_request_duration_seconds_count{${labels}} ${total}`,
      '',
    ].join('\n');
    const response = await fetch(group, { method: 'PUT', body });
    if (!response.ok) throw new Error(`pushgateway ${response.status}: ${await response.text()}`);
  };
  const loop = (async () => {
    while (!stopped) {
      await pushOnce();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    fail: () => {
      failing = true;
    },
    stop: async () => {
      stopped = true;
      await loop;
      await fetch(group, { method: 'DELETE' });
    },
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
        // Longer than the sample canary's pauses (4m), so the Gateway is what is refused.
        rolloutTimeout: '5m',
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

  it.each([
    {
      input: 'canary weights that go down in app.yaml',
      appYaml: async () => (await shortCanary()).replace('weight: 50', 'weight: 10'),
      traffic: undefined,
      expected: 'apps/catalog/app.yaml: canary.steps[1].weight',
    },
    {
      input: 'a canary through App Mesh where env.yaml names no mesh',
      appYaml: () => shortCanary(),
      traffic: 'traffic:\n  provider: appmesh\n',
      expected: `environments/${ENV}/env.yaml: traffic.mesh: is required`,
    },
  ])('refuses $input before anything is applied, naming the file and field', async ({ appYaml, traffic, expected }) => {
    const before = (await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment')).get('catalog')?.metadata[
      'resourceVersion'
    ];
    const overlay = canaryOverlay(repo.namespace, { image: { name: 'registry.local/shop/catalog', tag: '0.2.1' } });
    const envYaml = overlay[`environments/${ENV}/env.yaml`] as string;
    const sha = await repo.git.commitAndPush(`catalog 0.2.1 with ${expected}`, {
      ...overlay,
      ...(traffic && { [`environments/${ENV}/env.yaml`]: envYaml.replace(/traffic:\n[\s\S]*$/, traffic) }),
      'apps/catalog/app.yaml': await appYaml(),
    });

    const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

    expect(result).toMatchObject({ outcome: 'failed', reason: Reason.InvalidConfig });
    expect(result.message).toContain(expected);
    expect(result.revision).toBeUndefined();
    const after = await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment');
    expect(after.get('catalog')?.metadata['resourceVersion']).toBe(before);
    expect(after.has('catalog-canary')).toBe(false);
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

      // What the check run shows while it walks: the summary of each progress report, as the worker enqueues it.
      const reported: string[] = [];
      const canaryProgress = async (canaries: readonly CanaryProgress[]) => {
        reported.push(canaryProgressReport(pushRequest(repo, sha), 1, canaries).summary ?? '');
      };

      const result = await deployEnvironment(pushRequest(repo, sha), { ...kit.deps, canaryProgress }, testContext());

      expect(result).toMatchObject({ outcome: 'succeeded' });
      // Reported at every step as it moved, not only at the end: where the walk stood (its last row), in order.
      const stands = reported.map((summary) => summary.match(/^\| catalog \|.*$/gm)?.at(-1)?.split(' | ').slice(2, 4).join(' '));
      expect(stands.filter((stand, i) => stand !== stands[i - 1])).toEqual([
        '1 of 2 (now) 80/20',
        '2 of 2 (now) 50/50',
        '2 of 2 (promoting) 50/50',
        '2 of 2 (promoted) 50/50',
      ]);
      expect(reported.at(-1)).toMatch(/\| 1 of 2 \| 80\/20 \| \d+ \| ✅ pass: canary ready 2\/2; no metrics source configured: readiness only \|/);
      // What the check run shows at the end: the canary, and that its gate was readiness only.
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
      // catalog's template names no Envoy identity (no APPMESH_RESOURCE_ARN): the nodes keep the default names.
      expect(JSON.stringify(deployments.get('catalog')?.spec)).not.toContain('APPMESH_RESOURCE_ARN');
      const stableNode = await kit.cluster.get({
        group: 'appmesh.k8s.aws',
        version: 'v1beta2',
        kind: 'VirtualNode',
        namespace: repo.namespace,
        name: 'catalog-stable',
      });
      expect(stableNode?.spec).toMatchObject({ awsName: `catalog-stable_${repo.namespace}` });
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
  it('fails a release whose canary fails the Prometheus analysis at the second step, the route back on stable', async () => {
    // The canary answers well at the first step; once the route holds the second step's split, every request fails.
    const traffic = canaryTraffic(repo.namespace);
    const route = await watchSplits(repo.namespace, (split) => split === '50/50' && traffic.fail());
    const prometheus = need('metrics').prometheusUrl;
    let revision: number | undefined;
    try {
      const overlay = canaryOverlay(
        repo.namespace,
        // rollout.timeout longer than the pauses (63 s).
        { image: { name: 'registry.local/shop/catalog', tag: '0.8.0' }, automaticRollback: false, rolloutTimeout: '2m' },
        { name: 'shop-gateway', namespace: repo.namespace },
      );
      const envYaml = overlay[`environments/${ENV}/env.yaml`] as string;
      const sha = await repo.git.commitAndPush('catalog 0.8.0, canaried; its requests fail at the second step', {
        ...overlay,
        [`environments/${ENV}/env.yaml`]: `${envYaml}analysis:\n  prometheus:\n    url: ${prometheus}\n`,
        // A window of 3 s (the interval) holds three scrapes; two failed checks (or two without data, on a loaded
        // machine) are tolerated, the third failed one aborts.
        'apps/catalog/app.yaml': (await shortCanary('3s', '60s')).replace(
          'interval: 1s\n',
          'interval: 3s\n  analysis:\n    minSuccessRate: 99\n    maxLatencyP99: 300ms\n    maxFailedChecks: 2\n',
        ),
      });

      const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

      expect(result).toMatchObject({
        outcome: 'failed',
        reason: Reason.CanaryAborted,
        ref: { kind: 'Deployment', name: 'catalog-canary', namespace: repo.namespace },
      });
      expect(result.message).toMatch(
        /^catalog \(apps\/catalog\/app\.yaml\): canary failed at step 2 of 2 \(50 %\): 3 failed checks > maxFailedChecks 2 \(.*success rate [\d.]+ % < 99 %/,
      );
      expect(result.canaries).toEqual([
        {
          app: 'catalog',
          provider: 'gateway-api',
          outcome: 'aborted at step 2 of 2; traffic back on stable',
          gate: `readiness, restarts and prometheus ${prometheus}`,
        },
      ]);
      revision = result.revision;
      await route.until('100/0');
      expect(route.seen).toEqual(['100/0', '80/20', '50/50', '100/0']);
    } finally {
      route.stop();
      await traffic.stop();
    }
    const deployments = await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment');
    expect(imageOf(deployments.get('catalog'))).not.toBe('registry.local/shop/catalog:0.8.0');
    expect(deployments.get('catalog')?.status).toMatchObject({ availableReplicas: 2 });
    expect((deployments.get('catalog-canary')?.spec as { replicas?: number } | undefined)?.replicas).toBe(0);
    const release = (await kit.releases(repo.namespace).list()).find((r) => r.revision === revision);
    expect(release?.canaries).toEqual([
      expect.objectContaining({ app: 'catalog', phase: 'aborted', failure: expect.objectContaining({ step: 1 }) }),
    ]);
  });
  it('aborts a promotion whose stable never becomes Available: stable back on its previous template, then the route', async () => {
    // The fault: once the route holds the last step's split, a ResourceQuota allows no more pods in the namespace, so
    // the promoted stable Deployment cannot start a pod of the new version (the canary's pods are already running).
    const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'no-more-pods', namespace: repo.namespace } };
    let quotaApplied: Promise<unknown> = Promise.resolve();
    const route = await watchSplits(repo.namespace, (split) => {
      if (split === '50/50')
        quotaApplied = kit.cluster.apply([{ ...quota, spec: { hard: { pods: '4' } } }], { fieldManager: 'fault-injection' });
    });
    let revision: number | undefined;
    try {
      const sha = await repo.git.commitAndPush('catalog 0.9.0, canaried; its promotion cannot start a pod', {
        ...canaryOverlay(
          repo.namespace,
          { image: { name: 'registry.local/shop/catalog', tag: '0.9.0' }, automaticRollback: false, rolloutTimeout: '15s' },
          { name: 'shop-gateway', namespace: repo.namespace },
        ),
        'apps/catalog/app.yaml': await shortCanary(),
      });

      const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

      await quotaApplied;
      expect(result).toMatchObject({ outcome: 'failed', reason: Reason.CanaryAborted });
      expect(result.message).toMatch(
        /^catalog \(apps\/catalog\/app\.yaml\): canary promotion failed after step 2 of 2 \(50 %\): .*stable on the new version did not become Available: .*exceeded quota: no-more-pods.*; all traffic is back on the stable version; not rolled back/,
      );
      expect(result.canaries).toEqual([
        expect.objectContaining({ app: 'catalog', outcome: 'aborted at step 2 of 2; traffic back on stable' }),
      ]);
      revision = result.revision;
      await route.until('100/0');
      expect(route.seen).toEqual(['100/0', '80/20', '50/50', '100/0']);
    } finally {
      route.stop();
      await quotaApplied.catch(() => undefined);
      await kit.cluster.delete({ group: '', version: 'v1', kind: 'ResourceQuota', namespace: repo.namespace, name: 'no-more-pods' }).catch(() => undefined);
    }
    const deployments = await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment');
    // Stable runs its previous version again, Available; the canary is scaled down.
    expect(imageOf(deployments.get('catalog'))).toBe('registry.local/shop/catalog:0.6.0');
    expect(deployments.get('catalog')?.status).toMatchObject({ availableReplicas: 2 });
    expect((deployments.get('catalog-canary')?.spec as { replicas?: number } | undefined)?.replicas).toBe(0);
    const release = (await kit.releases(repo.namespace).list()).find((r) => r.revision === revision);
    expect(release?.canaries).toEqual([
      expect.objectContaining({ app: 'catalog', phase: 'aborted', failure: expect.objectContaining({ step: 1 }) }),
    ]);
  });
});
