import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_MAX_FILE_BYTES,
  DiskFileSystem,
  KustomizeError,
  MemoryFileSystem,
  renderKustomization,
  type RenderOptions,
} from '../../../kustomize/index.js';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: web:1
        envFrom:
        - configMapRef:
            name: settings
`;

function render(files: Record<string, string>, dir = 'overlay') {
  return renderKustomization(new MemoryFileSystem(files), dir);
}

/** Runs `fn`, which must throw; returns what it threw, so a test can check every part of the error. */
function thrownBy(fn: () => unknown): unknown {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    return error;
  }
  throw new Error(`expected a failure, got ${JSON.stringify(result).slice(0, 200)}`);
}

describe('renderKustomization', () => {
  it('renders an overlay over a base from an in-memory tree, returning objects and YAML (as kustomize v5.8.2 does)', () => {
    const result = render({
      'base/kustomization.yaml': 'resources:\n- deployment.yaml\n',
      'base/deployment.yaml': deployment,
      'overlay/kustomization.yaml':
        'namePrefix: dev-\nresources:\n- ../base\nconfigMapGenerator:\n- name: settings\n  literals:\n  - A=1\n',
    });
    expect(result.objects.map((o) => (o['metadata'] as { name: string }).name)).toEqual([
      'dev-settings-89g4tffbfk',
      'dev-web',
    ]);
    expect(result.yaml).toContain('name: dev-settings-89g4tffbfk\n---\n');
    expect(result.yaml).toContain('        - configMapRef:\n            name: dev-settings-89g4tffbfk\n');
  });

  it('names the kustomization file and the field in an error', () => {
    const attempt = () =>
      render({
        'overlay/kustomization.yaml':
          'resources:\n- ok.yaml\npatches:\n- target: {kind: ConfigMap}\n  patch: \'[{"op": "add", "path": "/data", "value": {}}]\'\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: ghost\n',
        'overlay/ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: real\n',
      });
    expect(attempt).toThrow(KustomizeError);
    expect(attempt).toThrow(/^overlay\/kustomization\.yaml: patches\[1\]: no resource matches strategic merge patch/);
  });

  it('names the nested kustomization where the failure is, not the top one', () => {
    try {
      render({
        'overlay/kustomization.yaml': 'resources:\n- ../base\n',
        'base/kustomization.yaml': 'resources:\n- missing.yaml\n',
      });
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(KustomizeError);
      expect((error as KustomizeError).file).toBe('base/kustomization.yaml');
      expect((error as KustomizeError).field).toBe('resources[0]');
      expect((error as KustomizeError).reason).toBe('missing-file');
    }
  });

  /** A bad input, the reason kustomize-ts must give, and the kustomization file and field its error must name. */
  interface BadInput {
    readonly what: string;
    readonly files: Record<string, string>;
    readonly reason: string;
    readonly file: string;
    readonly field: string;
  }

  const overlay = 'overlay/kustomization.yaml';
  const refused = (what: string, kustomization: string, field: string): BadInput => ({
    what,
    files: { [overlay]: kustomization },
    reason: 'not-supported',
    file: overlay,
    field,
  });

  it.each<BadInput>([
    {
      what: 'a misspelt openapi key (kustomize ignores it)',
      files: { [overlay]: 'openapi:\n  verison: v1.21.2\n' },
      reason: 'invalid-kustomization',
      file: overlay,
      field: 'openapi.verison',
    },
    {
      what: 'a cycle between kustomizations',
      files: { [overlay]: 'resources:\n- ../base\n', 'base/kustomization.yaml': 'resources:\n- ../overlay\n' },
      reason: 'cycle',
      file: 'base/kustomization.yaml',
      field: 'resources[0]',
    },
    {
      what: 'invalid YAML',
      files: { [overlay]: 'resources:\n- bad.yaml\n', 'overlay/bad.yaml': 'a: [\n' },
      reason: 'invalid-yaml',
      file: overlay,
      field: 'resources[0]',
    },
    {
      what: "a RoleBinding's ServiceAccount subject with a blank namespace (kustomize: namespace is blank)",
      files: {
        [overlay]: 'resources:\n- rb.yaml\n',
        'overlay/rb.yaml':
          'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb}\n' +
          'subjects:\n- {kind: ServiceAccount, name: sa, namespace: }\n',
      },
      reason: 'transform-failed',
      file: overlay,
      field: '(name references)',
    },
    {
      what: 'a path leaving the repository',
      files: { [overlay]: 'resources:\n- ../../../etc/passwd\n' },
      reason: 'outside-root',
      file: overlay,
      field: 'resources[0]',
    },
    {
      what: 'a file outside the kustomization directory',
      files: { [overlay]: 'resources:\n- ../x.yaml\n', 'x.yaml': 'kind: A\n' },
      reason: 'outside-root',
      file: overlay,
      field: 'resources[0]',
    },
    {
      what: 'duplicate ids',
      files: {
        [overlay]: 'resources:\n- a.yaml\n- a2.yaml\n',
        'overlay/a.yaml': 'kind: A\nmetadata: {name: n}\n',
        'overlay/a2.yaml': 'kind: A\nmetadata: {name: n}\n',
      },
      reason: 'duplicate-id',
      file: overlay,
      field: 'resources[1]',
    },
    {
      what: 'a base without a kustomization',
      files: { [overlay]: 'resources:\n- ../base\n', 'base/x.yaml': '' },
      reason: 'missing-kustomization',
      file: overlay,
      field: 'resources[0]',
    },
    {
      // kustomize reads the resources before it configures helm, so their error comes first (cluster-api's
      // observability overlays fail so with the CLI); helm alone is refused below.
      what: 'a missing resource beside helm charts',
      files: { [overlay]: 'resources:\n- missing.yaml\nhelmCharts:\n- name: x\n' },
      reason: 'missing-file',
      file: overlay,
      field: 'resources[0]',
    },
    {
      // Validators run after the transformers: a transformer's error comes first.
      what: 'a failing patch beside validators',
      files: {
        [overlay]: 'resources:\n- cm.yaml\npatches:\n- path: p.yaml\nvalidators:\n- v.yaml\n',
        'overlay/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
        'overlay/p.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n',
      },
      reason: 'patch-target-not-found',
      file: overlay,
      field: 'patches[0]',
    },
  ])('fails on $what with reason $reason at $file $field, and returns nothing', ({ files, reason, file, field }) => {
    const error = thrownBy(() => render(files));
    expect(error).toBeInstanceOf(KustomizeError);
    expect(error).toMatchObject({ reason, file, field });
  });

  it.each<BadInput>([
    refused('helm charts', 'helmCharts:\n- name: x\n', 'helmCharts'),
    refused('a remote base', 'resources:\n- github.com/org/repo//base?ref=v1\n', 'resources[0]'),
    refused(
      'an exec transformer plugin',
      'transformers:\n- |\n  apiVersion: example.dev/v1\n  kind: Sealer\n  metadata:\n    name: s\n',
      'transformers[0]',
    ),
    refused(
      'a KRM function generator',
      'generators:\n- |\n  apiVersion: example.dev/v1\n  kind: Gen\n  metadata:\n    name: g\n    annotations:\n      config.kubernetes.io/function: "container: {image: x}"\n',
      'generators[0]',
    ),
    refused(
      'the builtin helm generator',
      'generators:\n- |\n  apiVersion: builtin\n  kind: HelmChartInflationGenerator\n  metadata:\n    name: h\n',
      'generators[0]',
    ),
    refused('plugin validators', 'validators:\n- v.yaml\n', 'validators'),
    refused('a remote component', 'components:\n- https://github.com/org/repo//components/x?ref=v1\n', 'components[0]'),
  ])('refuses $what with a clear "not supported" error at $file $field', ({ files, reason, file, field }) => {
    const error = thrownBy(() => render(files));
    expect(error).toBeInstanceOf(KustomizeError);
    expect(error).toMatchObject({ reason, file, field });
    expect((error as KustomizeError).message).toMatch(
      new RegExp(`^${file}: ${field.replace(/[[\]]/g, '\\$&')}: .*not supported`),
    );
  });

  it.each([
    ['a remote base', 'resources:\n- https://github.com/org/repo//base?ref=v1\n', 'resources[0]'],
    ['a remote legacy base', 'resources:\n- cm.yaml\nbases:\n- git@github.com:org/repo.git//base\n', 'bases[0]'],
    ['a remote component', 'components:\n- github.com/org/repo//components/x\n', 'components[0]'],
  ])('always refuses %s (there is no opt-in) and says to vendor it instead', (_what, kustomization, field) => {
    const error = thrownBy(() =>
      renderKustomization(
        new MemoryFileSystem({
          [overlay]: kustomization,
          'overlay/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\n',
        }),
        'overlay',
        { allowRemote: false },
      ),
    );
    expect(error).toMatchObject({ reason: 'not-supported', file: overlay, field });
    expect((error as KustomizeError).message).toMatch(
      /always refuses remote bases; vendor the base into this repository at a pinned commit and reference it by path$/,
    );
  });

  it('offers no option that allows remote bases (a compile-time check: tsc fails if one appears)', () => {
    // @ts-expect-error allowRemote admits only false: remote bases are refused in this release.
    const options: RenderOptions = { allowRemote: true };
    expect(() =>
      renderKustomization(new MemoryFileSystem({ [overlay]: 'resources:\n- https://x/y\n' }), 'overlay', options),
    ).toThrow(expect.objectContaining({ reason: 'not-supported' }));
  });

  it('refuses a missing kustomization at the top, naming the directory', () => {
    expect(thrownBy(() => render({ 'overlay/x.yaml': '' }))).toMatchObject({
      reason: 'missing-kustomization',
      file: 'overlay',
      field: undefined,
    });
  });

  it('refuses a directory argument that leaves the file system root', () => {
    expect(() => renderKustomization(new MemoryFileSystem({}), '../elsewhere')).toThrow(
      expect.objectContaining({ reason: 'outside-root' }),
    );
  });
});

describe('renderKustomization on hostile input', () => {
  let dir: string;
  let size: number;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kustomize-large-'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- huge.yaml\n');
    // A real 51 MiB resource (not a sparse file), so the refusal is about what a read would cost.
    const header = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: huge\ndata:\n  blob: ';
    const bytes = Buffer.concat([Buffer.from(header), Buffer.alloc(51 * 1024 * 1024, 'a')]);
    size = bytes.length;
    writeFileSync(join(dir, 'huge.yaml'), bytes);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a 51 MiB resource file with a too-large error naming kustomization.yaml and resources[0]', () => {
    const error = thrownBy(() => renderKustomization(new DiskFileSystem(dir), ''));
    expect(error).toBeInstanceOf(KustomizeError);
    expect(error).toMatchObject({ reason: 'too-large', file: 'kustomization.yaml', field: 'resources[0]' });
    expect((error as KustomizeError).message).toBe(
      `kustomization.yaml: resources[0]: huge.yaml: file is ${size} bytes, ` +
        `larger than the ${DEFAULT_MAX_FILE_BYTES}-byte limit`,
    );
  });

  it('refuses a YAML alias bomb with an invalid-yaml error naming the kustomization file and field', () => {
    const levels = ['  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `  l${i}: &l${i} [${Array(9)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    const error = thrownBy(() =>
      render({
        'overlay/kustomization.yaml': 'resources:\n- ok.yaml\n- bomb.yaml\n',
        'overlay/ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n',
        'overlay/bomb.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n${levels.join('\n')}\n`,
      }),
    );
    expect(error).toBeInstanceOf(KustomizeError);
    expect(error).toMatchObject({ reason: 'invalid-yaml', file: 'overlay/kustomization.yaml', field: 'resources[1]' });
    expect((error as KustomizeError).message).toMatch(
      /^overlay\/kustomization\.yaml: resources\[1\]: accumulating resources from 'bomb\.yaml': .*excessive aliasing/,
    );
  });
});

// kustomize holds its OpenAPI schema per process; kustomize-ts must hold it per render, so one repository's custom
// schema never decides scopes in the next render, even when the render that chose it failed.
describe('a custom schema\'s scopes last one render', () => {
  const overlay = 'overlay/kustomization.yaml';
  const schema = JSON.stringify({
    swagger: '2.0',
    paths: {
      '/apis/example.com/v1/tenants/{name}': {
        get: { 'x-kubernetes-group-version-kind': { group: 'example.com', version: 'v1', kind: 'Tenant' } },
      },
    },
    definitions: {},
  });
  const tenant = 'apiVersion: example.com/v1\nkind: Tenant\nmetadata:\n  name: t\n';
  const withSchema = (extra: string) => ({
    [overlay]: `namespace: shop\nresources:\n- t.yaml\nopenapi:\n  path: schema.json\n${extra}`,
    'overlay/t.yaml': tenant,
    'overlay/schema.json': schema,
  });
  const withoutSchema = { [overlay]: 'namespace: shop\nresources:\n- t.yaml\n', 'overlay/t.yaml': tenant };

  it('leaves a kind the schema makes cluster-scoped out of namespace:, and the next render without it does not', () => {
    expect(render(withSchema('')).yaml).not.toContain('namespace:');
    expect(render(withoutSchema).yaml).toContain('namespace: shop');
  });

  it('also ends with a render that fails after choosing it', () => {
    expect(thrownBy(() => render(withSchema('patches:\n- path: missing.yaml\n')))).toBeInstanceOf(KustomizeError);
    expect(render(withoutSchema).yaml).toContain('namespace: shop');
  });
});
