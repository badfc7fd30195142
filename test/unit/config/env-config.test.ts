import { parse, stringify } from 'yaml';
import { parseEnvConfig } from '../../../core/config/env-config.js';
import { expectConfigError } from './expect-config-error.js';

// Each case breaks a fresh copy at any depth; typing every shape would only restate the schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const FILE = 'environments/staging/env.yaml';

function validEnv(): Loose {
  return {
    name: 'staging',
    branch: 'main',
    cluster: { name: 'local' },
    namespace: 'shop-staging',
    apply: { prune: true, timeout: '2m' },
    rollout: { strategy: 'canary', timeout: '10m' },
    rollback: { automatic: true },
    history: { limit: 10 },
    traffic: { provider: 'gateway-api', gateway: { name: 'shop-gateway', namespace: 'gateway-system' }, mesh: 'shop' },
    preview: { enabled: false },
  };
}

const parseObject = (value: unknown) => parseEnvConfig(stringify(value), FILE, parse);

describe('parseEnvConfig', () => {
  it('reads a complete env.yaml, with durations in milliseconds', () => {
    const env = parseObject(validEnv());
    expect(env.branch).toBe('main');
    expect(env.apply).toEqual({ prune: true, timeout: 120_000 });
    expect(env.rollout).toEqual({ strategy: 'canary', timeout: 600_000 });
    expect(env.traffic.gateway).toEqual({ name: 'shop-gateway', namespace: 'gateway-system' });
  });

  it('fills in the documented defaults for a minimal env.yaml', () => {
    const env = parseEnvConfig(
      'name: qa\nbranch: develop\ncluster: { name: shop-eks }\nnamespace: shop-qa\n',
      'environments/qa/env.yaml',
      parse,
    );
    expect(env).toEqual({
      name: 'qa',
      branch: 'develop',
      cluster: { name: 'shop-eks', context: 'shop-eks' },
      namespace: 'shop-qa',
      apply: { prune: true, timeout: 120_000 },
      rollout: { strategy: 'canary', timeout: 600_000 },
      rollback: { automatic: true },
      history: { limit: 10 },
      drift: { mode: 'correct', resync: 600_000 },
      traffic: { provider: 'gateway-api', discovery: { type: 'dns' } },
      analysis: {},
      preview: { enabled: false, namespacePrefix: 'shop-qa-pr-', maxConcurrent: 10, ttl: 604_800_000, allowFrom: [] },
    });
  });

  it("reads a preview's limit, fork label, quota, limits and allowed namespaces; quantities as strings", () => {
    const env = validEnv();
    env.preview = {
      enabled: true,
      maxConcurrent: 3,
      ttl: '48h',
      forkLabel: 'safe-to-preview',
      quota: { 'requests.cpu': 2, 'limits.memory': '4Gi', pods: 20 },
      limits: { default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } },
      allowFrom: ['ingress-nginx'],
    };
    expect(parseObject(env).preview).toEqual({
      enabled: true,
      namespacePrefix: 'shop-staging-pr-',
      maxConcurrent: 3,
      ttl: 172_800_000,
      forkLabel: 'safe-to-preview',
      quota: { 'requests.cpu': '2', 'limits.memory': '4Gi', pods: '20' },
      limits: { default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m' } },
      allowFrom: ['ingress-nginx'],
    });
  });

  it('reads drift handling, and refuses a mode it does not know and a resync below a minute', () => {
    expect(parseObject({ ...validEnv(), drift: { mode: 'report', resync: '2m' } }).drift).toEqual({ mode: 'report', resync: 120_000 });
    expect(() => parseObject({ ...validEnv(), drift: { mode: 'ignore' } })).toThrow(/drift\.mode/);
    expect(() => parseObject({ ...validEnv(), drift: { resync: '10s' } })).toThrow(/drift\.resync/);
  });

  it('reads Cloud Map discovery for App Mesh with its namespace', () => {
    const env = validEnv();
    env.traffic.discovery = { type: 'cloud-map', namespace: 'shop-staging.local' };
    expect(parseObject(env).traffic.discovery).toEqual({ type: 'cloud-map', namespace: 'shop-staging.local' });
  });

  it("reads the canary analysis's Prometheus URL, path prefix included", () => {
    const env = validEnv();
    env.analysis = { prometheus: { url: 'https://metrics.example.com/prometheus' } };
    expect(parseObject(env).analysis).toEqual({ prometheus: { url: 'https://metrics.example.com/prometheus' } });
  });

  it("defaults the Gateway's namespace to the environment's", () => {
    const env = validEnv();
    env.traffic.gateway = { name: 'shop-gateway' };
    expect(parseObject(env).traffic.gateway).toEqual({ name: 'shop-gateway', namespace: 'shop-staging' });
  });

  it('keeps an explicit kubeconfig context', () => {
    const env = validEnv();
    env.cluster = { name: 'shop-prod', context: 'arn:aws:eks:us-east-1:123456789012:cluster/shop-prod' };
    expect(parseObject(env).cluster.context).toBe('arn:aws:eks:us-east-1:123456789012:cluster/shop-prod');
  });

  it('reaches cluster local through the current context unless a context is named', () => {
    expect(parseObject(validEnv()).cluster).toEqual({ name: 'local' });
    const env = validEnv();
    env.cluster = { name: 'local', context: 'kind-shop' };
    expect(parseObject(env).cluster).toEqual({ name: 'local', context: 'kind-shop' });
  });

  it('returns a deeply frozen config', () => {
    const env = parseObject(validEnv());
    expect(Object.isFrozen(env.rollout)).toBe(true);
    expect(() => {
      (env.preview as { enabled: boolean }).enabled = true;
    }).toThrow(TypeError);
  });

  it.each(['main', 'release', 'release/2024-06', 'feature/JIRA-12_fix', 'v1.2', 'a@b'])(
    'accepts the branch name %s',
    (branch) => {
      expect(parseObject({ ...validEnv(), branch }).branch).toBe(branch);
    },
  );

  type Case = [description: string, breakIt: (env: Loose) => void, path: string, fragment: string | RegExp];
  const cases: Case[] = [
    ['a branch with ".."', (env) => (env.branch = 'main..dev'), 'branch', 'contains ".."'],
    [
      'a full ref instead of a branch',
      (env) => (env.branch = 'refs/heads/main'),
      'branch',
      'write the branch name alone (main)',
    ],
    ['a branch pattern', (env) => (env.branch = 'release/*'), 'branch', 'is a pattern'],
    ['a branch with a space', (env) => (env.branch = 'my branch'), 'branch', 'contains a space'],
    ['a branch starting with "-"', (env) => (env.branch = '-main'), 'branch', 'starts with "-"'],
    ['a branch ending with ".lock"', (env) => (env.branch = 'main.lock'), 'branch', 'ending with ".lock"'],
    ['a branch ending with "/"', (env) => (env.branch = 'release/'), 'branch', 'empty path component'],
    ['a hidden branch component', (env) => (env.branch = 'release/.next'), 'branch', 'starting with "."'],
    ['a branch with "@{"', (env) => (env.branch = 'main@{1}'), 'branch', 'contains "@{"'],
    ['an empty branch', (env) => (env.branch = ''), 'branch', 'is empty'],
    ['a branch given as a number', (env) => (env.branch = 2024), 'branch', 'must be text, not 2024'],
    ['a missing branch', (env) => delete env.branch, 'branch', 'is required: the git branch this environment follows'],
    ['a missing cluster', (env) => delete env.cluster, 'cluster', 'is required'],
    ['a cluster name with a space', (env) => (env.cluster.name = 'shop prod'), 'cluster.name', 'EKS cluster name'],
    ['a namespace in capitals', (env) => (env.namespace = 'Shop-Staging'), 'namespace', 'DNS label'],
    ['a namespace over 63 characters', (env) => (env.namespace = 'n'.repeat(64)), 'namespace', 'at most 63 characters'],
    ['an environment name with "_"', (env) => (env.name = 'my_env'), 'name', 'DNS label'],
    ['prune written as yes', (env) => (env.apply.prune = 'yes'), 'apply.prune', 'write true or false, without quotes'],
    ['an apply timeout without a unit', (env) => (env.apply.timeout = '120'), 'apply.timeout', 'must be a duration'],
    ['a rollout timeout too short', (env) => (env.rollout.timeout = '5s'), 'rollout.timeout', 'between 10s and 6h'],
    [
      'an unknown rollout strategy',
      (env) => (env.rollout.strategy = 'blue-green'),
      'rollout.strategy',
      'one of "canary", "rolling"',
    ],
    [
      'a misspelled section',
      (env) => ((env.rolback = env.rollback), delete env.rollback),
      'rolback',
      'did you mean "rollback"',
    ],
    [
      'a misspelled nested field',
      (env) => (env.rollback = { automatc: true }),
      'rollback.automatc',
      'did you mean "automatic"',
    ],
    ['a history limit of zero', (env) => (env.history.limit = 0), 'history.limit', 'at least 1'],
    [
      'an unknown traffic provider',
      (env) => (env.traffic.provider = 'istio'),
      'traffic.provider',
      'one of "gateway-api", "appmesh"',
    ],
    [
      'a Gateway without a name',
      (env) => (env.traffic.gateway = { namespace: 'gateway-system' }),
      'traffic.gateway.name',
      'is required',
    ],
    ['a mesh name with a dot', (env) => (env.traffic.mesh = 'shop.mesh'), 'traffic.mesh', 'App Mesh mesh name'],
    [
      'Cloud Map discovery without a namespace',
      (env) => (env.traffic.discovery = { type: 'cloud-map' }),
      'traffic.discovery.namespace',
      'is required with type cloud-map',
    ],
    [
      'a Cloud Map namespace with DNS discovery',
      (env) => (env.traffic.discovery = { type: 'dns', namespace: 'shop.local' }),
      'traffic.discovery.namespace',
      'applies to type cloud-map only',
    ],
    [
      'an unknown discovery type',
      (env) => (env.traffic.discovery = { type: 'consul' }),
      'traffic.discovery.type',
      'one of "dns", "cloud-map"',
    ],
    [
      'a Cloud Map namespace with a space',
      (env) => (env.traffic.discovery = { type: 'cloud-map', namespace: 'shop local' }),
      'traffic.discovery.namespace',
      'Cloud Map namespace name',
    ],
    [
      'a Prometheus URL that is not a URL',
      (env) => (env.analysis = { prometheus: { url: 'prometheus 9090' } }),
      'analysis.prometheus.url',
      'must be an http(s) URL',
    ],
    [
      'a Prometheus URL of another scheme',
      (env) => (env.analysis = { prometheus: { url: 'ftp://prometheus' } }),
      'analysis.prometheus.url',
      'not ftp',
    ],
    [
      'a Prometheus URL carrying credentials',
      (env) => (env.analysis = { prometheus: { url: 'http://admin:hunter2@prometheus:9090' } }),
      'analysis.prometheus.url',
      'must not carry credentials',
    ],
    [
      'a Prometheus query URL instead of the base',
      (env) => (env.analysis = { prometheus: { url: 'http://prometheus:9090/api/v1/query?query=up' } }),
      'analysis.prometheus.url',
      'without a query',
    ],
    ['a Prometheus section without a URL', (env) => (env.analysis = { prometheus: {} }), 'analysis.prometheus.url', 'is required'],
    [
      'a preview prefix in capitals',
      (env) => (env.preview = { enabled: true, namespacePrefix: 'PR-' }),
      'preview.namespacePrefix',
      'lowercase letter',
    ],
    [
      'a preview quota that is not a quantity',
      (env) => (env.preview = { enabled: true, quota: { 'requests.cpu': 'two' } }),
      'preview.quota["requests.cpu"]',
      'Kubernetes quantity',
    ],
    [
      'a preview limit of no previews',
      (env) => (env.preview = { enabled: true, maxConcurrent: 0 }),
      'preview.maxConcurrent',
      '',
    ],
    [
      'an allowed namespace that is not a namespace name',
      (env) => (env.preview = { enabled: true, allowFrom: ['Ingress_NGINX'] }),
      'preview.allowFrom[0]',
      '',
    ],
    [
      'a preview limits section of an unknown kind',
      (env) => (env.preview = { enabled: true, limits: { maximum: { cpu: '1' } } }),
      'preview.limits.maximum',
      'not a known field',
    ],
    [
      'a preview prefix too long for a namespace',
      (env) => (env.preview = { enabled: true, namespacePrefix: 'p'.repeat(54) }),
      'preview.namespacePrefix',
      'at most 53',
    ],
  ];

  it.each(cases)('rejects %s, naming the file and the field', (_description, breakIt, path, fragment) => {
    const env = validEnv();
    breakIt(env);
    expectConfigError(() => parseObject(env), FILE, path, fragment);
  });

  it('rejects an empty file, pointing to the field reference', () => {
    expectConfigError(() => parseEnvConfig('# nothing yet\n', FILE, parse), FILE, '', 'environments/README.md');
  });

  it('rejects a file holding two YAML documents', () => {
    expectConfigError(() => parseEnvConfig('name: a\n---\nname: b\n', FILE, parse), FILE, '', 'is not valid YAML');
  });
});
