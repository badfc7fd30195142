// app.yaml held against the base it describes, on a base shaped like Online Boutique's (test/fixtures/boutique/)
// rendered by kustomize-ts; each case breaks app.yaml or the rendered base one way.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { parseAppConfig } from '../../../core/config/app-config.js';
import { checkAppBase } from '../../../core/config/check-app-base.js';
import type { KubeObject } from '../../../core/kube/object.js';
import { DiskFileSystem, renderKustomization } from '../../../kustomize/index.js';

// Cases reach into fresh copies at any depth; typing every shape would only restate Kubernetes' API.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const REPO = join(import.meta.dirname, '../../fixtures/boutique');
const FILE = 'apps/boutique/app.yaml';
const BASE = 'apps/boutique/base';
const rendered = renderKustomization(new DiskFileSystem(REPO), BASE).objects as unknown as KubeObject[];
const appYaml = (): Loose => parse(readFileSync(join(REPO, FILE), 'utf8'));
const objects = (): Loose[] => structuredClone(rendered) as Loose[];
const find = (all: Loose[], kind: string, name: string): Loose =>
  all.find((o) => o.kind === kind && o.metadata.name === name);

function problems(app: Loose, base: Loose[] = objects()): string[] {
  return checkAppBase(parseAppConfig(stringify(app), FILE, parse), BASE, base).map(
    (issue) => `${issue.path}: ${issue.message}`,
  );
}

describe('checkAppBase', () => {
  it('accepts an app.yaml with several images and workloads that describes its base truly', () => {
    expect(rendered.filter((o) => o.kind === 'Deployment')).toHaveLength(7);
    expect(problems(appYaml())).toEqual([]);
  });

  it('accepts an app without app.yaml: nothing is described, so only the render counts', () => {
    expect(checkAppBase({ name: 'boutique', images: [], workloads: [] }, BASE, rendered)).toEqual([]);
  });

  it('accepts the one-workload spelling, describing the workload named after the app', () => {
    const app = {
      name: 'frontend',
      image: { repository: 'boutique/frontend' },
      ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }],
      health: { liveness: '/_healthz', readiness: '/_healthz' },
      autoscaling: { minReplicas: 1, maxReplicas: 5, targetCPUUtilization: 60 },
    };
    expect(checkAppBase(parseAppConfig(stringify(app), 'apps/frontend/app.yaml', parse), BASE, rendered)).toEqual([]);
  });

  type AppCase = [description: string, breakIt: (app: Loose) => void, expected: string];
  const appCases: AppCase[] = [
    [
      'a workload the base does not render',
      (app) => (app.workloads[1].name = 'paymentservice'),
      'workloads[1].name: names Deployment/paymentservice, which apps/boutique/base does not render (it renders Deployment/cartservice, Deployment/checkoutservice, Deployment/currencyservice, Deployment/frontend, Deployment/loadgenerator, Deployment/productcatalogservice, Deployment/redis-cart); name one of those',
    ],
    [
      'a workload of the wrong kind',
      (app) => (app.workloads[2].kind = 'StatefulSet'),
      'workloads[2].name: names StatefulSet/cartservice, which apps/boutique/base does not render',
    ],
    [
      'an image no container runs',
      (app) => app.images.push({ repository: 'boutique/emailservice', context: 'src/emailservice' }),
      'images[6].repository: ("boutique/emailservice") is the image of no container in apps/boutique/base (they run boutique/cartservice',
    ],
    [
      'a container the workload lacks',
      (app) => (app.workloads[0].container = 'frontend'),
      'workloads[0].container: ("frontend") is not a container of Deployment/frontend (it has server)',
    ],
    [
      'a container port the container does not declare',
      (app) => (app.workloads[1].ports[0].containerPort = 3551),
      'workloads[1].ports[0].containerPort: (3551) is not a port of container server of Deployment/productcatalogservice (it declares 3550)',
    ],
    [
      'a Service port no Service exposes',
      (app) => (app.workloads[0].ports[0].servicePort = 8080),
      'workloads[0].ports[0].servicePort: (8080) is not a port of a Service forwarding to 8080 (http); the Services selecting Deployment/frontend expose frontend 80→8080, frontend-external 80→8080',
    ],
    [
      'ports on a workload no Service selects',
      (app) => app.workloads.push({ name: 'loadgenerator', ports: [{ name: 'http', containerPort: 8089 }] }),
      'workloads[3].ports: are served by no Service: none in the base selects the pods of Deployment/loadgenerator',
    ],
    [
      'a readiness path the probe does not get',
      (app) => (app.workloads[0].health.readiness = '/readyz'),
      'workloads[0].health.readiness: is /readyz but the readinessProbe of container server of Deployment/frontend gets "/_healthz"',
    ],
    [
      'HTTP health on a workload probed over gRPC',
      (app) => (app.workloads[2].health = { liveness: '/healthz' }),
      'workloads[2].health.liveness: is /healthz but the livenessProbe of container server of Deployment/cartservice is grpc; health describes HTTP probes only',
    ],
    [
      'autoscaling bounds that differ from the HPA',
      (app) => (app.workloads[0].autoscaling.maxReplicas = 10),
      'workloads[0].autoscaling.maxReplicas: is 10 but HorizontalPodAutoscaler/frontend says 5; make them the same',
    ],
    [
      'autoscaling where no HPA scales the workload',
      (app) => (app.workloads[1].autoscaling = {}),
      'workloads[1].autoscaling: is set, but no HorizontalPodAutoscaler in the base scales Deployment/productcatalogservice',
    ],
    [
      'no autoscaling where an HPA scales the workload',
      (app) => delete app.workloads[0].autoscaling,
      'workloads[0].autoscaling: is missing, but HorizontalPodAutoscaler/frontend scales Deployment/frontend (1 to 5)',
    ],
    [
      'App Mesh for pods without Envoy',
      (app) => (app.workloads[1].traffic = { provider: 'appmesh' }),
      'workloads[1].traffic.provider: is appmesh, but the pods of Deployment/productcatalogservice carry no envoy container',
    ],
  ];

  it.each(appCases)('refuses %s, naming the field', (_description, breakIt, expected) => {
    const app = appYaml();
    breakIt(app);
    expect(problems(app)).toContainEqual(expect.stringContaining(expected));
  });

  it('names the container to describe when the workload has several and none is named after it', () => {
    const base = objects();
    find(base, 'Deployment', 'frontend').spec.template.spec.containers.push({ name: 'envoy', image: 'envoy:v1' });
    const app = appYaml();
    delete app.workloads[0].container;
    expect(problems(app, base)).toEqual([
      'workloads[0].container: is needed: Deployment/frontend has containers server, envoy and none is named frontend; name the one whose ports and probes app.yaml describes',
    ]);
  });

  it('refuses two autoscalers on one workload', () => {
    const base = objects();
    base.push({
      ...structuredClone(find(base, 'HorizontalPodAutoscaler', 'frontend')),
      metadata: { name: 'frontend-2' },
    });
    expect(problems(appYaml(), base)).toEqual([
      expect.stringContaining(
        'workloads[0].autoscaling: describes one autoscaler, but HorizontalPodAutoscalers frontend, frontend-2 all scale Deployment/frontend',
      ),
    ]);
  });

  it('reads the CPU target of an autoscaling/v1 HPA, and names a container port by the name the container gives it', () => {
    const base = objects();
    const hpa = find(base, 'HorizontalPodAutoscaler', 'frontend');
    hpa.apiVersion = 'autoscaling/v1';
    delete hpa.spec.metrics;
    hpa.spec.targetCPUUtilizationPercentage = 60;
    find(base, 'Deployment', 'frontend').spec.template.spec.containers[0].ports[0].name = 'web';
    expect(problems(appYaml(), base)).toEqual([
      'workloads[0].ports[0].name: is "http" but container server of Deployment/frontend names port 8080 "web"; use the same name',
    ]);
  });
});
