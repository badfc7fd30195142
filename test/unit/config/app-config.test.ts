import { parse, stringify } from 'yaml';
import { DEFAULT_WATCH, parseAppConfig } from '../../../core/config/app-config.js';
import { expectConfigError } from './expect-config-error.js';

// Each case breaks a fresh copy at any depth; typing every shape would only restate the schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const FILE = 'apps/catalog/app.yaml';

/** A complete, valid app.yaml as a plain object; each case breaks one thing in a fresh copy. */
function validApp(): Loose {
  return {
    name: 'catalog',
    image: { repository: 'shop/catalog' },
    build: { context: '.', dockerfile: 'Dockerfile', watch: ['src/**', 'Dockerfile'] },
    ports: [{ name: 'http', containerPort: 8080, servicePort: 80 }],
    health: { liveness: '/healthz', readiness: '/readyz' },
    autoscaling: { minReplicas: 2, maxReplicas: 6, targetCPUUtilization: 70 },
    canary: {
      steps: [
        { weight: 10, pause: '1m' },
        { weight: 50, pause: '1m' },
        { weight: 80, pause: '1m' },
      ],
      interval: '30s',
      analysis: { minSuccessRate: 99, maxLatencyP99: '500ms', maxFailedChecks: 2 },
    },
  };
}

const parseObject = (value: unknown) => parseAppConfig(stringify(value), FILE, parse);

describe('parseAppConfig', () => {
  it('reads a complete app.yaml, with durations in milliseconds', () => {
    const app = parseObject(validApp());
    expect(app.name).toBe('catalog');
    const [workload] = app.workloads;
    expect(app.workloads).toHaveLength(1);
    expect(workload).toMatchObject({ name: 'catalog', kind: 'Deployment', field: '' });
    expect(workload?.ports).toEqual([{ name: 'http', containerPort: 8080, servicePort: 80, protocol: 'http' }]);
    expect(workload?.canary?.steps).toEqual([
      { weight: 10, pause: 60_000 },
      { weight: 50, pause: 60_000 },
      { weight: 80, pause: 60_000 },
    ]);
    expect(workload?.canary?.interval).toBe(30_000);
    expect(workload?.canary?.analysis.maxLatencyP99).toBe(500);
  });

  it('fills in the documented defaults for a minimal app.yaml', () => {
    const app = parseAppConfig(
      'name: web\nimage: { repository: shop/web }\nports: [{ name: http, containerPort: 3000 }]\n',
      'apps/web/app.yaml',
      parse,
    );
    expect(app.images).toEqual([
      {
        name: 'web',
        repository: 'shop/web',
        context: '.',
        dockerfile: 'Dockerfile',
        watch: [...DEFAULT_WATCH],
        buildArgs: {},
        field: 'image',
      },
    ]);
    expect(app.workloads).toEqual([
      {
        name: 'web',
        kind: 'Deployment',
        field: '',
        ports: [{ name: 'http', containerPort: 3000, servicePort: 3000, protocol: 'http' }],
        traffic: {},
      },
    ]);
  });

  it('takes the name from the directory, and an app.yaml that only builds describes no workload', () => {
    const app = parseAppConfig('image: { repository: shop/web }\n', 'apps/web/app.yaml', parse);
    expect(app.name).toBe('web');
    expect(app.images.map((image) => image.repository)).toEqual(['shop/web']);
    expect(app.workloads).toEqual([]);
  });

  it('describes workloads only, for an app that builds nothing (a third-party base)', () => {
    const app = parseAppConfig(
      'workloads: [{ name: frontend, container: server, ports: [{ name: http, containerPort: 8080 }] }]\n',
      'apps/boutique/app.yaml',
      parse,
    );
    expect(app.images).toEqual([]);
    expect(app.workloads.map((workload) => [workload.name, workload.container, workload.field])).toEqual([
      ['frontend', 'server', 'workloads[0]'],
    ]);
  });

  it('reads several workloads, each with its own ports, probes, autoscaling and canary', () => {
    const app = parseAppConfig(
      [
        'workloads:',
        '  - name: frontend',
        '    ports: [{ name: http, containerPort: 8080, servicePort: 80 }]',
        '    health: { liveness: /_healthz, readiness: /_healthz }',
        '    autoscaling: { minReplicas: 1, maxReplicas: 4 }',
        '    canary: {}',
        '  - name: cart',
        '    kind: StatefulSet',
        '    ports: [{ name: grpc, containerPort: 7070, protocol: grpc }]',
        '    traffic: { provider: appmesh }',
      ].join('\n'),
      'apps/boutique/app.yaml',
      parse,
    );
    const [frontend, cart] = app.workloads;
    expect(frontend).toMatchObject({
      name: 'frontend',
      kind: 'Deployment',
      field: 'workloads[0]',
      health: { port: 'http', liveness: '/_healthz', readiness: '/_healthz' },
      autoscaling: { minReplicas: 1, maxReplicas: 4, targetCPUUtilization: 70 },
      traffic: {},
    });
    expect(frontend?.canary?.steps).toHaveLength(3);
    expect(cart).toEqual({
      name: 'cart',
      kind: 'StatefulSet',
      field: 'workloads[1]',
      ports: [{ name: 'grpc', containerPort: 7070, servicePort: 7070, protocol: 'grpc' }],
      traffic: { provider: 'appmesh' },
    });
  });

  it('reads several images from one app, each with defaults drawn from its context', () => {
    const app = parseAppConfig(
      [
        'name: boutique',
        'images:',
        '  - repository: boutique/frontend',
        '    context: src/frontend',
        '  - name: cart',
        '    repository: boutique/cartservice',
        '    context: src/cartservice/src',
        '    dockerfile: src/cartservice/src/Dockerfile.debian',
        '    watch: [src/cartservice/**]',
        '    buildArgs: { DOTNET_VERSION: "8.0" }',
        'ports: [{ name: http, containerPort: 8080 }]',
      ].join('\n'),
      'apps/boutique/app.yaml',
      parse,
    );
    expect(app.images).toEqual([
      {
        name: 'frontend',
        repository: 'boutique/frontend',
        context: 'src/frontend',
        dockerfile: 'src/frontend/Dockerfile',
        watch: ['src/frontend/**'],
        buildArgs: {},
        field: 'images[0]',
      },
      {
        name: 'cart',
        repository: 'boutique/cartservice',
        context: 'src/cartservice/src',
        dockerfile: 'src/cartservice/src/Dockerfile.debian',
        watch: ['src/cartservice/**'],
        buildArgs: { DOTNET_VERSION: '8.0' },
        field: 'images[1]',
      },
    ]);
  });

  it.each([
    ['both spellings', 'image: { repository: shop/web }\nimages: [{ repository: shop/api }]', 'images', 'not both'],
    ['build without an image', 'build: { context: . }', 'build', 'add image.repository'],
    [
      'workloads together with top-level workload fields',
      'workloads: [{ name: web }]',
      'workloads',
      'is given together with ports at the top of the file',
    ],
    [
      'two entries for one workload',
      'images: [{ repository: shop/web }]\nworkloads: [{ name: web }, { name: web, kind: Deployment }]',
      'workloads[1]',
      'repeats the workload',
    ],
    [
      'two images pushing to one repository',
      'images: [{ repository: shop/web }, { repository: shop/web, name: other }]',
      'images',
      'repository',
    ],
  ])('refuses %s', (_, fields, path, message) => {
    const text = `name: web\n${fields}\nports: [{ name: http, containerPort: 3000 }]\n`;
    expect(() => parseAppConfig(text, 'apps/web/app.yaml', parse)).toThrow(
      expect.objectContaining({ message: expect.stringContaining(message) }),
    );
    try {
      parseAppConfig(text, 'apps/web/app.yaml', parse);
    } catch (error) {
      expect(String((error as Error).message)).toContain(path);
    }
  });

  it('fills in every default of an empty autoscaling or canary section', () => {
    const app = parseAppConfig(
      'name: web\nimage: { repository: shop/web }\nports: [{ name: http, containerPort: 3000 }]\nautoscaling: {}\ncanary: {}\n',
      'apps/web/app.yaml',
      parse,
    );
    expect(app.workloads[0]?.autoscaling).toEqual({ minReplicas: 2, maxReplicas: 6, targetCPUUtilization: 70 });
    expect(app.workloads[0]?.canary).toEqual({
      steps: [
        { weight: 10, pause: 60_000 },
        { weight: 25, pause: 60_000 },
        { weight: 50, pause: 60_000 },
      ],
      interval: 30_000,
      analysis: { minSuccessRate: 99, maxLatencyP99: 500, maxFailedChecks: 2 },
    });
  });

  it('returns a deeply frozen config', () => {
    const app = parseObject(validApp());
    expect(Object.isFrozen(app)).toBe(true);
    expect(Object.isFrozen(app.workloads[0]?.canary?.steps[0])).toBe(true);
    expect(() => {
      (app.workloads[0]?.ports as unknown as { containerPort: number }[])[0]!.containerPort = 1;
    }).toThrow(TypeError);
  });

  type Case = [description: string, breakIt: (app: Loose) => void, path: string, fragment: string | RegExp];
  const cases: Case[] = [
    [
      'a quoted number',
      (app) => (app.ports[0].containerPort = '8080'),
      'ports[0].containerPort',
      'write the number without quotes',
    ],
    [
      'a mapping where a list belongs',
      (app) => (app.ports = { name: 'http' }),
      'ports',
      'must be a list, not a mapping',
    ],
    [
      'a misspelled top-level field',
      (app) => ((app.imagee = app.image), delete app.image),
      'imagee',
      'did you mean "image"',
    ],
    [
      'a misspelled nested field',
      (app) => ((app.canary.stepz = []), delete app.canary.steps),
      'canary.stepz',
      'did you mean "steps"',
    ],
    [
      'an unknown field in a list entry',
      (app) => (app.ports[0].port = 80),
      'ports[0].port',
      'the fields allowed here are name, containerPort, servicePort, protocol',
    ],
    ['a missing image repository', (app) => (app.image = {}), 'image.repository', 'is required'],
    ['an app name that cannot be a Service name', (app) => (app.name = '1catalog'), 'name', 'DNS-1035'],
    ['an image repository with a tag', (app) => (app.image.repository = 'shop/catalog:1.2'), 'image.repository', 'tag'],
    [
      'an image repository with a registry host',
      (app) => (app.image.repository = '123456789012.dkr.ecr.us-east-1.amazonaws.com:443/shop'),
      'image.repository',
      'registry',
    ],
    [
      'an image repository in capitals',
      (app) => (app.image.repository = 'Shop/Catalog'),
      'image.repository',
      'not an ECR repository name',
    ],
    [
      'a build context outside the app',
      (app) => (app.build.context = '../shared'),
      'build.context',
      'leaves the app directory',
    ],
    [
      'an absolute Dockerfile path',
      (app) => (app.build.dockerfile = '/src/Dockerfile'),
      'build.dockerfile',
      'is absolute',
    ],
    [
      'a watch pattern outside the app',
      (app) => (app.build.watch = ['!../lib/**']),
      'build.watch[0]',
      'leaves the app directory',
    ],
    ['an empty watch list', (app) => (app.build.watch = []), 'build.watch', 'at least 1 entry'],
    ['an empty ports list', (app) => (app.ports = []), 'ports', 'at least 1 entry'],
    ['a canary without ports', (app) => delete app.ports, 'canary', 'needs ports'],
    [
      'health without ports',
      (app) => ((app.ports = undefined), (app.canary = undefined)),
      'health',
      'needs a port to probe',
    ],
    [
      'autoscaling on a DaemonSet',
      (app) => (app.workloads = [{ name: 'agent', kind: 'DaemonSet', autoscaling: {} }]),
      'workloads[0].autoscaling',
      'cannot be autoscaled',
    ],
    [
      'a workload kind that runs no pods from a template',
      (app) => (app.workloads = [{ name: 'x', kind: 'Job' }]),
      'workloads[0].kind',
      'one of "Deployment", "StatefulSet", "DaemonSet"',
    ],
    [
      'a port number out of range',
      (app) => (app.ports[0].containerPort = 70_000),
      'ports[0].containerPort',
      'at most 65535',
    ],
    ['a port name too long', (app) => (app.ports[0].name = 'http-main-listener'), 'ports[0].name', 'at most 15'],
    [
      'two ports with one name',
      (app) => app.ports.push({ name: 'http', containerPort: 9090 }),
      'ports[1]',
      'repeats the port name "http"',
    ],
    [
      'an unknown port protocol',
      (app) => (app.ports[0].protocol = 'https'),
      'ports[0].protocol',
      'one of "http", "http2", "grpc", "tcp"',
    ],
    [
      'a health path without a slash',
      (app) => (app.health.readiness = 'readyz'),
      'health.readiness',
      'starting with "/"',
    ],
    [
      'a health port that names no port',
      (app) => (app.health.port = 'admin'),
      'health.port',
      'names no port in ports (http)',
    ],
    [
      'minReplicas above maxReplicas',
      (app) => (app.autoscaling.minReplicas = 8),
      'autoscaling.minReplicas',
      'greater than autoscaling.maxReplicas (6)',
    ],
    [
      'a default minReplicas above maxReplicas',
      (app) => (app.autoscaling = { maxReplicas: 1 }),
      'autoscaling.minReplicas',
      'they default to 2 and 6',
    ],
    ['zero minReplicas', (app) => (app.autoscaling.minReplicas = 0), 'autoscaling.minReplicas', 'at least 1'],
    [
      'a CPU target over 100 percent',
      (app) => (app.autoscaling.targetCPUUtilization = 150),
      'autoscaling.targetCPUUtilization',
      'at most 100',
    ],
    [
      'a fractional replica count',
      (app) => (app.autoscaling.maxReplicas = 2.5),
      'autoscaling.maxReplicas',
      'whole number',
    ],
    [
      'canary weights that go down',
      (app) => (app.canary.steps[2].weight = 40),
      'canary.steps[2].weight',
      "greater than the previous step's weight (50)",
    ],
    [
      'canary weights that repeat',
      (app) => (app.canary.steps[1].weight = 10),
      'canary.steps[1].weight',
      'weights only go up',
    ],
    ['a canary weight over 100', (app) => (app.canary.steps[2].weight = 120), 'canary.steps[2].weight', 'at most 100'],
    ['a canary weight of zero', (app) => (app.canary.steps[0].weight = 0), 'canary.steps[0].weight', 'at least 1'],
    ['no canary steps', (app) => (app.canary.steps = []), 'canary.steps', 'at least 1 entry'],
    [
      'a step pause shorter than the interval',
      (app) => (app.canary.steps[1].pause = '10s'),
      'canary.steps[1].pause',
      '(10s) is shorter than canary.interval (30s)',
    ],
    [
      'a duration in words',
      (app) => (app.canary.interval = '30 seconds'),
      'canary.interval',
      'must be a duration such as 30s',
    ],
    ['a duration without a unit', (app) => (app.canary.interval = 30), 'canary.interval', 'such as 30s or 30m'],
    [
      'a latency limit over a minute',
      (app) => (app.canary.analysis.maxLatencyP99 = '2m'),
      'canary.analysis.maxLatencyP99',
      'between 1ms and 1m',
    ],
    [
      'a success rate over 100 percent',
      (app) => (app.canary.analysis.minSuccessRate = 101),
      'canary.analysis.minSuccessRate',
      'at most 100',
    ],
    [
      'negative failed checks',
      (app) => (app.canary.analysis.maxFailedChecks = -1),
      'canary.analysis.maxFailedChecks',
      'at least 0',
    ],
    [
      'a misspelled traffic provider',
      (app) => (app.traffic = { provider: 'app-mesh' }),
      'traffic.provider',
      'did you mean "appmesh"',
    ],
  ];

  it.each(cases)('rejects %s, naming the file and the field', (_description, breakIt, path, fragment) => {
    const app = validApp();
    breakIt(app);
    expectConfigError(() => parseObject(app), FILE, path, fragment);
  });

  it('reports every problem of a file at once', () => {
    const app = validApp();
    app.ports[0].containerPort = 'http';
    app.autoscaling.minReplicas = 9;
    app.extra = true;
    const error = expectConfigError(() => parseObject(app), FILE, 'extra', 'is not a known field');
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      'autoscaling.minReplicas',
      'extra',
      'ports[0].containerPort',
    ]);
    expect(error.message).toMatch(/^apps\/catalog\/app\.yaml is invalid \(3 problems\):/);
  });

  it.each([
    ['an empty file', '', '', 'is empty; write its fields as described in apps/README.md'],
    ['a list instead of a mapping', '- name: catalog\n', '', 'must be a mapping'],
    ['invalid YAML', 'name: catalog\n  image: [\n', '', 'is not valid YAML'],
    ['a duplicated key', 'name: catalog\nname: orders\n', '', 'is not valid YAML'],
  ])('rejects %s as a whole', (_description, text, path, fragment) => {
    expectConfigError(() => parseAppConfig(text, FILE, parse), FILE, path, fragment);
  });

  it('keeps the YAML parser error as the cause', () => {
    const error = expectConfigError(() => parseAppConfig('a: [', FILE, parse), FILE, '', 'is not valid YAML');
    expect(error.cause).toBeInstanceOf(Error);
  });
});
