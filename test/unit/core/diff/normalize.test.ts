import { diffObject } from '../../../../core/diff/diff-object.js';
import { autoscalerIgnoreRules, withoutIgnoredFields } from '../../../../core/diff/ignore-rules.js';
import { formatPointer, parsePointer, removeAt } from '../../../../core/diff/json-pointer.js';
import { secretMarker } from '../../../../core/diff/mask-secret.js';
import { normalizeObject } from '../../../../core/diff/normalize.js';
import type { KubeObject } from '../../../../core/kube/object.js';

const secret = (fields: Record<string, unknown>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'shop' },
  type: 'Opaque',
  ...fields,
});
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('normalizeObject', () => {
  it("never shows the pipeline's own labels, and keeps the user's gantry.dev keys", () => {
    const live: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { 'gantry.dev/environment': 'dev', team: 'a' } },
    };
    const desired: KubeObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { team: 'a', 'gantry.dev/simulate': 'never-ready' } },
    };

    expect(normalizeObject(live, { secretSalt: 's' })['metadata']).toEqual({ name: 'shop', labels: { team: 'a' } });
    expect(diffObject({ desired, live, dryRun: desired }, { secretSalt: 's' })?.map((change) => change.path)).toEqual([
      '/metadata/labels/gantry.dev~1simulate',
    ]);
  });

  it('drops status, the apiserver bookkeeping, the last-applied annotation and maps left empty', () => {
    const obj: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        namespace: 'n',
        uid: 'u',
        resourceVersion: '1',
        generation: 2,
        creationTimestamp: 't',
        selfLink: '/api/v1/x',
        managedFields: [{ manager: 'gantry' }],
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
        labels: {},
      },
      data: { a: '1' },
      status: { anything: true },
    };
    expect(normalizeObject(obj, { secretSalt: 's' })).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'n' },
      data: { a: '1' },
    });
  });

  it('keeps annotations other than last-applied', () => {
    const obj: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', owner: 'me' } },
    };
    expect(normalizeObject(obj, { secretSalt: 's' }).metadata).toEqual({ name: 'c', annotations: { owner: 'me' } });
  });
});

describe('Secret masking', () => {
  it('never lets a Secret value through, in data or stringData, and merges them as the apiserver does', () => {
    const normalized = normalizeObject(secret({ data: { user: b64('admin') }, stringData: { password: 'hunter2' } }), {
      secretSalt: 's',
    });
    const text = JSON.stringify(normalized);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(b64('admin'));
    expect(text).not.toContain('admin');
    expect(normalized['stringData']).toBeUndefined();
    expect(Object.keys(normalized['data'] as object)).toEqual(['user', 'password']);
  });

  it('gives the same marker to the same bytes written as stringData or as base64 data', () => {
    const fromString = normalizeObject(secret({ stringData: { password: 'hunter2' } }), { secretSalt: 's' });
    const fromData = normalizeObject(secret({ data: { password: b64('hunter2') } }), { secretSalt: 's' });
    expect(fromString).toEqual(fromData);
  });

  it('masks malformed values instead of keeping them', () => {
    const normalized = normalizeObject(secret({ data: { a: 42 }, stringData: 'plain-text-secret' }), {
      secretSalt: 's',
    });
    expect(JSON.stringify(normalized)).not.toContain('plain-text-secret');
    expect(JSON.stringify(normalized)).not.toContain('42');
  });

  it('shows that a value changed with two different markers, never the values', () => {
    const changes = diffObject(
      {
        desired: secret({ stringData: { password: 'new-pass' } }),
        live: secret({ data: { password: b64('old-pass') } }),
        dryRun: secret({ data: { password: b64('new-pass') } }),
      },
      { secretSalt: 'run-1' },
    );
    expect(changes).toEqual([
      {
        kind: 'changed',
        path: '/data/password',
        before: expect.stringMatching(/^\(hidden sha256:[0-9a-f]{16}\)$/),
        after: expect.stringMatching(/^\(hidden sha256:/),
      },
    ]);
    expect(JSON.stringify(changes)).not.toMatch(/new-pass|old-pass/);
  });

  it('finds an unchanged Secret unchanged', () => {
    const same = secret({ data: { password: b64('same') } });
    expect(diffObject({ desired: same, live: same, dryRun: same }, { secretSalt: 'x' })).toEqual([]);
  });

  it('salts markers, so the same value hashes differently in another run', () => {
    const bytes = new TextEncoder().encode('hunter2');
    expect(secretMarker(bytes, 'a')).toBe(secretMarker(bytes, 'a'));
    expect(secretMarker(bytes, 'a')).not.toBe(secretMarker(bytes, 'b'));
  });
});

describe('ignore rules', () => {
  const deployment = (name: string, replicas: number): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: {
      replicas,
      template: {
        spec: {
          containers: [
            { name: 'a', resources: { cpu: 1 } },
            { name: 'b', resources: { cpu: 2 } },
          ],
        },
      },
    },
  });

  it('removes ignored fields only from objects the rule matches, from a copy', () => {
    const rules = [{ kind: 'Deployment', group: 'apps', name: 'api', pointers: ['/spec/replicas'] }];
    const api = deployment('api', 3);
    expect(withoutIgnoredFields(api, api, rules)).not.toHaveProperty('spec.replicas');
    expect(api).toHaveProperty('spec.replicas', 3);
    expect(withoutIgnoredFields(deployment('web', 3), deployment('web', 3), rules)).toHaveProperty('spec.replicas', 3);
    expect(withoutIgnoredFields(api, api, [{ ...rules[0]!, group: 'extensions' }])).toHaveProperty('spec.replicas', 3);
  });

  it('expands * to every list item', () => {
    const rules = [{ kind: 'Deployment', pointers: ['/spec/template/spec/containers/*/resources'] }];
    const stripped = withoutIgnoredFields(deployment('api', 1), deployment('api', 1), rules) as unknown as {
      spec: { template: { spec: { containers: object[] } } };
    };
    expect(stripped.spec.template.spec.containers).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('leaves replicas to every rendered HPA and KEDA ScaledObject target', () => {
    const hpa: KubeObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api', namespace: 'shop' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' } },
    };
    const keda: KubeObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'worker', namespace: 'shop' },
      spec: { scaleTargetRef: { name: 'worker' } },
    };
    const broken: KubeObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'x' },
      spec: {},
    };
    expect(autoscalerIgnoreRules([hpa, keda, broken, deployment('api', 1)])).toEqual([
      { kind: 'Deployment', name: 'api', namespace: 'shop', pointers: ['/spec/replicas'] },
      { kind: 'Deployment', name: 'worker', namespace: 'shop', pointers: ['/spec/replicas'] },
    ]);
  });
});

describe('JSON pointers', () => {
  it('escapes and unescapes ~ and / as RFC 6901 says', () => {
    expect(formatPointer(['metadata', 'annotations', 'example.com/a~b', 0])).toBe(
      '/metadata/annotations/example.com~1a~0b/0',
    );
    expect(parsePointer('/metadata/annotations/example.com~1a~0b/0')).toEqual([
      'metadata',
      'annotations',
      'example.com/a~b',
      '0',
    ]);
    expect(parsePointer('')).toEqual([]);
  });

  it('refuses a pointer without its leading slash, saying how to write it', () => {
    expect(() => parsePointer('spec/replicas')).toThrow('must start with "/"');
  });

  it('removes list items by index and ignores paths that lead nowhere', () => {
    const value = { list: ['a', 'b', 'c'], map: { k: 1 } };
    removeAt(value, ['list', '1']);
    removeAt(value, ['map', 'missing', 'deeper']);
    removeAt(value, ['nothing']);
    expect(value).toEqual({ list: ['a', 'c'], map: { k: 1 } });
  });
});
