import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Reason } from '../../../core/reasons.js';
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

/** The overlay with env.yaml's strategy `canary` through a Gateway API Gateway that does not exist. */
function canaryOverlay(namespace: string, options: OverlayOptions) {
  const files = overlayFiles(namespace, options);
  const envYaml = files[`environments/${ENV}/env.yaml`];
  if (typeof envYaml !== 'string') throw new Error('the overlay has no env.yaml');
  return {
    ...files,
    [`environments/${ENV}/env.yaml`]:
      envYaml.replace('strategy: rolling', 'strategy: canary') +
      'traffic:\n  provider: gateway-api\n  gateway:\n    name: no-such-gateway\n    namespace: gateway-system\n',
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
});
