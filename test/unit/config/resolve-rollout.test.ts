import { parseAppConfig } from '../../../core/config/app-config.js';
import { parseEnvConfig } from '../../../core/config/env-config.js';
import { resolveRollout, trafficProviderFor } from '../../../core/config/resolve-rollout.js';

/** The one workload of an app.yaml written in the top-level spelling. */
const app = (fields: Record<string, unknown>) =>
  parseAppConfig('', 'apps/a/app.yaml', () => ({
    name: 'a',
    image: { repository: 'shop/a' },
    ports: [{ name: 'http', containerPort: 80 }],
    ...fields,
  })).workloads[0]!;
const env = (fields: Record<string, unknown>) =>
  parseEnvConfig('', 'environments/e/env.yaml', () => ({
    name: 'e',
    branch: 'main',
    cluster: { name: 'local' },
    namespace: 'shop-e',
    ...fields,
  }));

describe('resolveRollout', () => {
  const routed = { traffic: { gateway: { name: 'gw' }, mesh: 'shop' } };

  it('rolls the Deployment where the environment rolls, even for an app with a canary', () => {
    expect(resolveRollout(app({ canary: {} }), env({ ...routed, rollout: { strategy: 'rolling' } }))).toEqual({
      kind: 'deployment',
      because: 'environment-rolls',
    });
  });

  it('rolls the Deployment of an app without a canary', () => {
    expect(resolveRollout(app({}), env(routed))).toEqual({ kind: 'deployment', because: 'app-has-no-canary' });
  });

  it("canaries through the environment's Gateway by default", () => {
    const rollout = resolveRollout(app({ canary: {} }), env(routed));
    expect(rollout).toMatchObject({
      kind: 'canary',
      route: { provider: 'gateway-api', gateway: { name: 'gw', namespace: 'shop-e' } },
    });
  });

  it("canaries through App Mesh when the app pins it, whatever the environment's default", () => {
    const pinned = app({ canary: {}, traffic: { provider: 'appmesh' } });
    expect(trafficProviderFor(pinned, env(routed))).toBe('appmesh');
    expect(resolveRollout(pinned, env(routed))).toMatchObject({
      kind: 'canary',
      route: { provider: 'appmesh', mesh: 'shop' },
    });
  });

  it('follows an environment whose default provider is App Mesh', () => {
    expect(
      resolveRollout(app({ canary: {} }), env({ traffic: { provider: 'appmesh', mesh: 'legacy' } })),
    ).toMatchObject({ route: { provider: 'appmesh', mesh: 'legacy' } });
  });

  it('says what is missing when the environment cannot route the canary', () => {
    expect(resolveRollout(app({ canary: {} }), env({}))).toEqual({
      kind: 'unroutable',
      provider: 'gateway-api',
      missing: 'traffic.gateway',
    });
  });
});
