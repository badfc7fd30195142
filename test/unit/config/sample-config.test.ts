import { checkConfigSet } from '../../../core/config/check-config-set.js';
import { resolveRollout } from '../../../core/config/resolve-rollout.js';
import { loadSampleApps, loadSampleEnvironments } from './load-samples.js';

describe('the sample app.yaml and env.yaml files', () => {
  const apps = loadSampleApps();
  const environments = loadSampleEnvironments();
  const appNamed = (name: string) => apps.find((app) => app.config.name === name)!.config;
  /** Each sample app.yaml describes one workload, named after the app (the top-level spelling). */
  const workloadOf = (name: string) => appNamed(name).workloads[0]!;
  const envNamed = (name: string) => environments.find((env) => env.config.name === name)!.config;

  it('are three apps and three environments, each valid on its own', () => {
    expect(apps.map((app) => app.file)).toEqual([
      'apps/catalog/app.yaml',
      'apps/orders/app.yaml',
      'apps/storefront/app.yaml',
    ]);
    expect(environments.map((env) => env.file)).toEqual([
      'environments/dev/env.yaml',
      'environments/production/env.yaml',
      'environments/staging/env.yaml',
    ]);
  });

  it('are consistent with each other', () => {
    expect(checkConfigSet(apps, environments).map((error) => error.message)).toEqual([]);
  });

  it('send one push to main to dev and staging, and a push to release to production', () => {
    const following = (branch: string) =>
      environments
        .filter((env) => env.config.branch === branch)
        .map((env) => env.config.name)
        .sort();
    expect(following('main')).toEqual(['dev', 'staging']);
    expect(following('release')).toEqual(['production']);
  });

  it('give pull requests into main a preview, from dev only', () => {
    expect(
      environments
        .filter((env) => env.config.preview.enabled)
        .map((env) => [env.config.name, env.config.preview.namespacePrefix]),
    ).toEqual([['dev', 'shop-pr-']]);
  });

  it('canary catalog through Gateway API and storefront through App Mesh, and roll orders as its Deployment says', () => {
    const staging = envNamed('staging');
    expect(resolveRollout(workloadOf('catalog'), staging)).toMatchObject({
      kind: 'canary',
      route: { provider: 'gateway-api', gateway: { name: 'shop-gateway', namespace: 'gateway-system' } },
    });
    expect(resolveRollout(workloadOf('storefront'), staging)).toMatchObject({
      kind: 'canary',
      route: { provider: 'appmesh', mesh: 'shop' },
    });
    expect(resolveRollout(workloadOf('orders'), staging)).toEqual({ kind: 'deployment', because: 'app-has-no-canary' });
    expect(resolveRollout(workloadOf('catalog'), envNamed('dev'))).toEqual({
      kind: 'deployment',
      because: 'environment-rolls',
    });
  });

  it('leave orders without autoscaling, since its volume attaches to one pod', () => {
    expect(workloadOf('orders').autoscaling).toBeUndefined();
    expect(appNamed('orders').images[0]?.watch).toEqual(['**', '!base/**', '!app.yaml']);
  });
});
