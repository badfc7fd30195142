import { planCanaries } from '../../../../core/canary/plan-canaries.js';
import type { KubeObject } from '../../../../core/kube/object.js';
import { loadSampleApps, loadSampleEnvironments } from '../../config/load-samples.js';

const apps = loadSampleApps().filter((a) => a.config.name === 'catalog');
const envNamed = (name: string) => {
  const env = loadSampleEnvironments().find((e) => e.config.name === name);
  if (!env) throw new Error(`no sample environment ${name}`);
  return env.config;
};
const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'catalog', namespace: 'shop-staging' },
  spec: {
    selector: { matchLabels: { app: 'catalog' } },
    template: { metadata: { labels: { app: 'catalog', tier: 'api' } } },
  },
};
const service: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'catalog', namespace: 'shop-staging' },
  spec: { selector: { app: 'catalog' }, ports: [{ port: 80 }] },
};
const other: KubeObject = {
  ...service,
  metadata: { name: 'orders', namespace: 'shop-staging' },
  spec: { selector: { app: 'orders' } },
};

describe('planCanaries', () => {
  it("canaries catalog in staging through the environment's Gateway, with the Service that selects its pods", () => {
    const { canaries, issues } = planCanaries(apps, envNamed('staging'), [other, deployment, service]);
    expect(issues).toEqual([]);
    expect(canaries).toHaveLength(1);
    expect(canaries[0]).toMatchObject({
      app: 'catalog',
      target: { provider: 'gateway-api', gateway: { name: 'shop-gateway', namespace: 'gateway-system' } },
      deployment,
      service,
      canary: { steps: [{ weight: 10 }, { weight: 30 }, { weight: 60 }] },
    });
  });

  it('canaries nothing where the environment rolls', () => {
    expect(planCanaries(apps, envNamed('dev'), [deployment, service]).canaries).toEqual([]);
  });

  it('canaries nothing for an app the render does not include', () => {
    expect(planCanaries(apps, envNamed('staging'), [other])).toEqual({ canaries: [], issues: [] });
  });

  it('refuses a canaried app without a Service for its pods, naming app.yaml and the field', () => {
    expect(planCanaries(apps, envNamed('staging'), [deployment, other]).issues).toEqual([
      {
        file: 'apps/catalog/app.yaml',
        field: 'canary',
        message:
          "needs a Service selecting the pods of Deployment/catalog: the canary's traffic is shifted between that Service and the canary's; add one to the base",
      },
    ]);
  });

  it('refuses a canary through App Mesh where env.yaml names no mesh, naming env.yaml and traffic.mesh', () => {
    const staging = envNamed('staging');
    const { mesh: _mesh, ...traffic } = staging.traffic;
    const meshless = { ...staging, traffic: { ...traffic, provider: 'appmesh' as const } };
    expect(planCanaries(apps, meshless, [deployment, service], 'environments/staging/env.yaml')).toEqual({
      canaries: [],
      issues: [
        {
          file: 'environments/staging/env.yaml',
          field: 'traffic.mesh',
          message:
            'is required: Deployment/catalog of apps/catalog/app.yaml is canaried through appmesh here; add traffic.mesh, the App Mesh mesh name',
        },
      ],
    });
  });

  it('refuses a canary through the Gateway API where env.yaml names no Gateway, naming env.yaml and traffic.gateway', () => {
    const staging = envNamed('staging');
    const { gateway: _gateway, ...traffic } = staging.traffic;
    const issues = planCanaries(apps, { ...staging, traffic }, [deployment, service]).issues;
    expect(issues).toEqual([
      expect.objectContaining({ file: 'environments/staging/env.yaml', field: 'traffic.gateway' }),
    ]);
  });

  it('refuses a canaried app whose Service has no port, naming app.yaml and the field', () => {
    const portless: KubeObject = { ...service, spec: { selector: { app: 'catalog' } } };
    expect(planCanaries(apps, envNamed('staging'), [deployment, portless]).issues).toEqual([
      {
        file: 'apps/catalog/app.yaml',
        field: 'canary',
        message:
          "needs a port on Service/catalog, which selects the pods of Deployment/catalog: the canary's route sends traffic to that port",
      },
    ]);
  });

  it("refuses a canary whose pauses outlast the environment's rollout.timeout, with gantry check's message", () => {
    const staging = envNamed('staging');
    const tight = { ...staging, rollout: { ...staging.rollout, timeout: 1_000 } };
    expect(planCanaries(apps, tight, [deployment, service])).toEqual({
      canaries: [],
      issues: [
        {
          file: 'environments/staging/env.yaml',
          field: 'rollout.timeout',
          message: expect.stringMatching(
            /^\(1s\) is not longer than the canary of apps\/catalog\/app\.yaml \(Deployment\/catalog\) \(its pauses alone take .+\); raise the timeout or shorten the pauses$/,
          ),
        },
      ],
    });
  });
});
