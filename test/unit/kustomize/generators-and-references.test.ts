import { MemoryFileSystem } from '../../../kustomize/index.js';
import { FileLoader } from '../../../kustomize/load/file-loader.js';
import { ResMap } from '../../../kustomize/resource/res-map.js';
import { contentHash, goJson } from '../../../kustomize/transform/generators/content-hash.js';
import { base64Lines, generate, mergeGeneratorOptions } from '../../../kustomize/transform/generators/generate.js';
import {
  pairsFromEnvFile,
  parseFileSource,
  parseLiteralSource,
} from '../../../kustomize/transform/generators/kv-sources.js';
import { absorbGenerated } from '../../../kustomize/transform/generators/absorb-generated.js';
import { transformNameAffix } from '../../../kustomize/transform/name-affix.js';
import { transformNameReferences } from '../../../kustomize/transform/name-reference.js';
import { at, resMap } from './helpers.js';

const loader = FileLoader.at(
  new MemoryFileSystem({
    'app.env': '# c\nA=1\n  B=two words \nC\n=skipped\r\n',
    'logo.bin': new Uint8Array([0xff, 0xfe]),
    'note.txt': 'hi\n',
  }),
  '',
);

describe('generator sources', () => {
  it.each<[string, { key: string; value: string }]>([
    ['K=v', { key: 'K', value: 'v' }],
    ['K="quoted value"', { key: 'K', value: 'quoted value' }],
    ["K='single'", { key: 'K', value: 'single' }],
    ['K=a=b', { key: 'K', value: 'a=b' }],
    ['K=', { key: 'K', value: '' }],
  ])('literal %j', (source, pair) => {
    expect(parseLiteralSource(source)).toEqual(pair);
  });

  it('refuses a literal without a key', () => {
    expect(() => parseLiteralSource('=v')).toThrow(/expected key=value/);
  });

  it.each<[string, [string, string]]>([
    ['conf/app.properties', ['app.properties', 'conf/app.properties']],
    ['custom=conf/app.properties', ['custom', 'conf/app.properties']],
  ])('file source %j', (source, parsed) => {
    expect(parseFileSource(source)).toEqual(parsed);
  });

  it('reads env files: comments skipped, leading space trimmed, trailing kept, CRLF handled', () => {
    expect(
      pairsFromEnvFile(new TextEncoder().encode('# c\nA=1\n  B=two words \nC\n=skipped\r\nD=x\r\n'), 'x.env'),
    ).toEqual([
      { key: 'A', value: '1' },
      { key: 'B', value: 'two words ' },
      { key: 'C', value: '' },
      { key: 'D', value: 'x' },
    ]);
  });
});

describe('configMapGenerator and secretGenerator', () => {
  it('builds a ConfigMap with data, binaryData for non-UTF-8 files, and the build annotations', () => {
    const cm = generate(
      'ConfigMap',
      { name: 'c', envs: ['app.env'], files: ['logo.bin', 'note.txt'], literals: ['L=1'] },
      loader,
    );
    expect(cm.obj['data']).toEqual({ A: '1', B: 'two words ', C: '', L: '1', 'note.txt': 'hi\n' });
    expect(cm.obj['binaryData']).toEqual({ 'logo.bin': '//4=' });
    expect(cm.getAnnotations()).toEqual({
      'internal.config.kubernetes.io/generatorBehavior': 'unspecified',
      'internal.config.kubernetes.io/needsHashSuffix': 'enabled',
    });
  });

  it('base64-encodes Secret data and defaults the type', () => {
    const secret = generate('Secret', { name: 's', literals: ['a=b'] }, loader);
    expect(secret.obj['type']).toBe('Opaque');
    expect(secret.obj['data']).toEqual({ a: 'Yg==' });
  });

  it('applies options: labels, annotations, immutable, no hash', () => {
    const cm = generate(
      'ConfigMap',
      { name: 'c', literals: ['a=b'], options: { labels: { l: 'v' }, immutable: true, disableNameSuffixHash: true } },
      loader,
    );
    expect(cm.getLabels()).toEqual({ l: 'v' });
    expect(cm.obj['immutable']).toBe(true);
    expect(cm.isAnnotationEnabled('internal.config.kubernetes.io/needsHashSuffix')).toBe(false);
  });

  it('merges global generatorOptions under local ones', () => {
    expect(
      mergeGeneratorOptions({ labels: { a: 'local' } }, { labels: { a: 'global', b: 'global' }, immutable: true }),
    ).toEqual({
      labels: { a: 'local', b: 'global' },
      immutable: true,
    });
  });

  it('refuses a repeated key', () => {
    expect(() => generate('ConfigMap', { name: 'c', literals: ['a=1', 'a=2'] }, loader)).toThrow(
      /illegally repeats the key/,
    );
  });

  it('computes the content hash kustomize computes (values checked against kustomize v5.8.2)', () => {
    expect(contentHash(generate('ConfigMap', { name: 'x', literals: ['a=b'] }, loader))).toBe('4h2mbtbbt6');
    expect(contentHash(generate('ConfigMap', { name: 'yy', literals: ['a=<b&>'] }, loader))).toBe('bh4mmf6gc6');
    expect(contentHash(generate('Secret', { name: 's', literals: ['a=b'] }, loader))).toBe('k695gkmbtk');
  });

  it("encodes JSON like Go's encoding/json for the hash", () => {
    expect(goJson({ b: '<&>', a: ['\u2028'] })).toBe('{"a":["\\u2028"],"b":"\\u003c\\u0026\\u003e"}');
  });

  it('wraps long base64 in 70-column lines, as kustomize does', () => {
    const text = base64Lines(new Uint8Array(60));
    expect(text.split('\n').map((l) => l.length)).toEqual([70, 10, 0]);
  });

  it.each<['merge' | 'replace', Record<string, string>]>([
    ['merge', { keep: 'base', change: 'overlay', add: 'overlay' }],
    ['replace', { change: 'overlay', add: 'overlay' }],
  ])('combines with an existing ConfigMap by %s', (behavior, data) => {
    const map = new ResMap([generate('ConfigMap', { name: 'c', literals: ['keep=base', 'change=base'] }, loader)]);
    absorbGenerated(
      map,
      generate('ConfigMap', { name: 'c', behavior, literals: ['change=overlay', 'add=overlay'] }, loader),
    );
    expect(map.size).toBe(1);
    expect(map.resources[0]?.obj['data']).toEqual(data);
  });

  it('refuses to create a second ConfigMap with an existing name', () => {
    const map = new ResMap([generate('ConfigMap', { name: 'c', literals: ['a=1'] }, loader)]);
    expect(() => absorbGenerated(map, generate('ConfigMap', { name: 'c', literals: ['a=2'] }, loader))).toThrow(
      /behavior must be merge or replace/,
    );
  });
});

describe('name references', () => {
  const podWithRefs = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  serviceAccountName: sa
  containers:
  - name: c
    image: c
    envFrom: [{configMapRef: {name: cfg}}, {secretRef: {name: other}}]
`;

  it('follows a renamed ConfigMap and ServiceAccount, leaving unknown names alone', () => {
    const map = resMap(`${podWithRefs}---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa}
`);
    transformNameAffix(map, 'prefix', 'x-');
    transformNameReferences(map);
    const pod = map.resources[0]?.obj;
    expect(at(pod, 'spec.serviceAccountName')).toBe('x-sa');
    expect(at(pod, 'spec.containers.0.envFrom')).toEqual([
      { configMapRef: { name: 'x-cfg' } },
      { secretRef: { name: 'other' } },
    ]);
  });

  it('does nothing when nothing was renamed', () => {
    const map = resMap(`${podWithRefs}---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
`);
    transformNameReferences(map);
    expect(at(map.resources[0]?.obj, 'spec.containers.0.envFrom.0.configMapRef.name')).toBe('cfg');
  });

  it('updates a RoleBinding subject name and adds its namespace', () => {
    const map = resMap(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb, namespace: ns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: ServiceAccount, name: sa}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: sa, namespace: ns}
`);
    transformNameAffix(map, 'suffix', '-1');
    transformNameReferences(map);
    expect(at(map.resources[0]?.obj, 'subjects')).toEqual([{ kind: 'ServiceAccount', name: 'sa-1', namespace: 'ns' }]);
  });
});
