import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KubeObject } from '../../../core/kube/object.js';
import { Reason } from '../../../core/reasons.js';

const GATEWAY_API = 'gateway.networking.k8s.io/v1';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import {
  createTestRepo,
  ENV,
  liveByName,
  openWorkerKit,
  overlayFiles,
  pushRequest,
  testContext,
  type OverlayOptions,
  type TestRepo,
  type WorkerKit,
} from './worker-test-kit.js';

/** The overlay with env.yaml's strategy `canary` through the Gateway API Gateway `gateway` (default: none there). */
function canaryOverlay(
  namespace: string,
  options: OverlayOptions,
  gateway = { name: 'no-such-gateway', namespace: 'gateway-system' },
) {
  const files = overlayFiles(namespace, options);
  const envYaml = files[`environments/${ENV}/env.yaml`];
  if (typeof envYaml !== 'string') throw new Error('the overlay has no env.yaml');
  return {
    ...files,
    [`environments/${ENV}/env.yaml`]:
      envYaml.replace('strategy: rolling', 'strategy: canary') +
      `traffic:\n  provider: gateway-api\n  gateway:\n    name: ${gateway.name}\n    namespace: ${gateway.namespace}\n`,
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

  it('walks a new catalog version through the steps of app.yaml under the Gateway, and promotes it', async () => {
    const gateway: KubeObject = {
      apiVersion: GATEWAY_API,
      kind: 'Gateway',
      metadata: { name: 'shop-gateway', namespace: repo.namespace },
      spec: { gatewayClassName: 'local', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    };
    const [created] = await kit.cluster.apply([gateway], { fieldManager: 'platform-team' });
    expect(created?.outcome).toBe('applied');
    const sha = await repo.git.commitAndPush('catalog 0.3.0, canaried in two short steps', {
      ...canaryOverlay(
        repo.namespace,
        { image: { name: 'registry.local/shop/catalog', tag: '0.3.0' } },
        { name: 'shop-gateway', namespace: repo.namespace },
      ),
      'apps/catalog/app.yaml': (await readFile(join(process.cwd(), 'apps/catalog/app.yaml'), 'utf8')).replace(
        /canary:\n[\s\S]*$/,
        'canary:\n  steps:\n    - weight: 20\n      pause: 1s\n    - weight: 50\n      pause: 1s\n  interval: 1s\n',
      ),
    });

    const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext());

    expect(result).toMatchObject({ outcome: 'succeeded' });
    const deployments = await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment');
    const image = (d: KubeObject | undefined) =>
      (d?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec.containers[0]
        ?.image;
    expect(image(deployments.get('catalog'))).toBe('registry.local/shop/catalog:0.3.0');
    expect((deployments.get('catalog-canary')?.spec as { replicas?: number } | undefined)?.replicas).toBe(0);
    const route = await kit.cluster.get({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      kind: 'HTTPRoute',
      namespace: repo.namespace,
      name: 'catalog',
    });
    const weights = (route?.spec as { rules: { backendRefs: { name: string; weight: number }[] }[] }).rules[0]
      ?.backendRefs;
    expect(weights).toEqual([
      expect.objectContaining({ name: 'catalog', weight: 100 }),
      expect.objectContaining({ name: 'catalog-canary', weight: 0 }),
    ]);
    const release = (await kit.releases(repo.namespace).list()).find((r) => r.revision === result.revision);
    expect(release?.canaries).toEqual([
      expect.objectContaining({ app: 'catalog', provider: 'gateway-api', phase: 'promoted', step: 1, steps: 2 }),
    ]);
  });
});
