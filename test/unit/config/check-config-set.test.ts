import { parseAppConfig } from '../../../core/config/app-config.js';
import type { AppConfig } from '../../../core/config/app-config.js';
import type { LoadedConfig } from '../../../core/config/check-config-set.js';
import { checkConfigSet } from '../../../core/config/check-config-set.js';
import { parseEnvConfig } from '../../../core/config/env-config.js';
import type { EnvConfig } from '../../../core/config/env-config.js';

// The parser is a parameter, so these tests hand over plain objects instead of YAML text.
function app(name: string, fields: Record<string, unknown> = {}, dir = name): LoadedConfig<AppConfig> {
  const file = `apps/${dir}/app.yaml`;
  const value = {
    name,
    image: { repository: `shop/${name}` },
    ports: [{ name: 'http', containerPort: 8080 }],
    ...fields,
  };
  return { file, config: parseAppConfig('', file, () => value) };
}

function env(name: string, fields: Record<string, unknown> = {}, dir = name): LoadedConfig<EnvConfig> {
  const file = `environments/${dir}/env.yaml`;
  const value = {
    name,
    branch: 'main',
    cluster: { name: 'local' },
    namespace: `shop-${name}`,
    traffic: { gateway: { name: 'shop-gateway' }, mesh: 'shop' },
    ...fields,
  };
  return { file, config: parseEnvConfig('', file, () => value) };
}

const canary = {
  steps: [
    { weight: 20, pause: '2m' },
    { weight: 60, pause: '2m' },
  ],
  interval: '30s',
};

function problems(apps: LoadedConfig<AppConfig>[], environments: LoadedConfig<EnvConfig>[]): string[] {
  return checkConfigSet(apps, environments).flatMap((error) =>
    error.issues.map((issue) => `${error.file}: ${issue.path}: ${issue.message}`),
  );
}

describe('checkConfigSet', () => {
  it('accepts a consistent set', () => {
    expect(
      problems(
        [app('catalog', { canary }), app('orders')],
        [env('dev', { rollout: { strategy: 'rolling' }, preview: { enabled: true } }), env('staging')],
      ),
    ).toEqual([]);
  });

  it('rejects an app whose name differs from its directory', () => {
    expect(problems([app('catalog', {}, 'catalogue')], [])).toEqual([
      'apps/catalogue/app.yaml: name: is "catalog" but the directory is "catalogue"; they must match (the pipeline finds apps by directory)',
    ]);
  });

  it('rejects an environment whose name differs from its directory', () => {
    expect(problems([], [env('prod', {}, 'production')])).toEqual([
      expect.stringMatching(/^environments\/production\/env\.yaml: name: is "prod" but the directory is "production"/),
    ]);
  });

  it('rejects two apps pushing to one image repository, on the second file', () => {
    expect(problems([app('catalog'), app('orders', { image: { repository: 'shop/catalog' } })], [])).toEqual([
      'apps/orders/app.yaml: image.repository: pushes to the same repository as apps/catalog/app.yaml; choose another',
    ]);
  });

  it("names the entry of images that repeats another app's repository", () => {
    const images = { images: [{ repository: 'shop/web' }, { repository: 'shop/catalog' }] };
    expect(problems([app('catalog'), app('web', { image: undefined, ...images })], [])).toEqual([
      'apps/web/app.yaml: images[1].repository: pushes to the same repository as apps/catalog/app.yaml; choose another',
    ]);
  });

  it('checks the canary of each workload an app.yaml lists', () => {
    const workloads = [{ name: 'frontend', ports: [{ name: 'http', containerPort: 8080 }], canary }, { name: 'cart' }];
    expect(
      problems([app('boutique', { ports: undefined, workloads })], [env('staging', { rollout: { timeout: '4m' } })]),
    ).toEqual([
      'environments/staging/env.yaml: rollout.timeout: (4m) is not longer than the canary of apps/boutique/app.yaml (Deployment/frontend) (its pauses alone take 4m); raise the timeout or shorten the pauses',
    ]);
  });

  it('rejects two environments sharing a namespace on one cluster', () => {
    expect(problems([], [env('dev'), env('qa', { namespace: 'shop-dev' })])).toEqual([
      expect.stringMatching(
        /^environments\/qa\/env\.yaml: namespace: deploys to the same namespace of the same cluster/,
      ),
    ]);
  });

  it('accepts one namespace name on two different clusters', () => {
    expect(problems([], [env('dev'), env('qa', { namespace: 'shop-dev', cluster: { name: 'shop-eks' } })])).toEqual([]);
  });

  it('rejects two previews for pull requests into one branch', () => {
    expect(
      problems([], [env('dev', { preview: { enabled: true } }), env('staging', { preview: { enabled: true } })]),
    ).toEqual([
      expect.stringMatching(
        /^environments\/staging\/env\.yaml: preview\.enabled: is true, as in environments\/dev\/env\.yaml which follows the same branch \(main\)/,
      ),
    ]);
  });

  it('rejects a preview prefix that could produce an existing namespace', () => {
    expect(
      problems(
        [],
        [
          env('dev', { preview: { enabled: true, namespacePrefix: 'shop-' } }),
          env('42', { namespace: 'shop-42', branch: 'release' }),
        ],
      ),
    ).toEqual([
      expect.stringMatching(
        /^environments\/dev\/env\.yaml: preview\.namespacePrefix: \("shop-"\) would name a preview "shop-42"/,
      ),
    ]);
  });

  it('requires a Gateway where a canary goes through Gateway API', () => {
    expect(problems([app('catalog', { canary })], [env('staging', { traffic: { mesh: 'shop' } })])).toEqual([
      'environments/staging/env.yaml: traffic.gateway: is required: apps/catalog/app.yaml (Deployment/catalog) is canaried through gateway-api here; add traffic.gateway, the Gateway its HTTPRoutes attach to ({ name, namespace })',
    ]);
  });

  it('requires a mesh where a canary goes through App Mesh', () => {
    expect(
      problems(
        [app('storefront', { canary, traffic: { provider: 'appmesh' } })],
        [env('staging', { traffic: { gateway: { name: 'gw' } } })],
      ),
    ).toEqual([
      expect.stringMatching(
        /^environments\/staging\/env\.yaml: traffic\.mesh: is required: apps\/storefront\/app\.yaml \(Deployment\/storefront\) is canaried through appmesh here/,
      ),
    ]);
  });

  it('rejects a rollout timeout shorter than a canary pauses', () => {
    expect(problems([app('catalog', { canary })], [env('staging', { rollout: { timeout: '4m' } })])).toEqual([
      'environments/staging/env.yaml: rollout.timeout: (4m) is not longer than the canary of apps/catalog/app.yaml (Deployment/catalog) (its pauses alone take 4m); raise the timeout or shorten the pauses',
    ]);
  });

  it('ignores canaries in an environment that rolls', () => {
    expect(
      problems(
        [app('catalog', { canary })],
        [env('dev', { rollout: { strategy: 'rolling', timeout: '1m' }, traffic: {} })],
      ),
    ).toEqual([]);
  });

  it('returns one error per file, ordered by file', () => {
    const errors = checkConfigSet([app('b', {}, 'x'), app('a', {}, 'y')], []);
    expect(errors.map((error) => error.file)).toEqual(['apps/x/app.yaml', 'apps/y/app.yaml']);
  });
});
