import { transformImages, rewriteImage, splitImage } from '../../../kustomize/transform/images.js';
import { transformAnnotations, transformLabels } from '../../../kustomize/transform/labels.js';
import { transformNameAffix } from '../../../kustomize/transform/name-affix.js';
import { transformNamespace } from '../../../kustomize/transform/namespace.js';
import { transformReplicas } from '../../../kustomize/transform/replicas.js';
import { sortResources } from '../../../kustomize/transform/sort-resources.js';
import { KustomizeFailure } from '../../../kustomize/errors.js';
import {
  DEFAULT_TRANSFORMER_CONFIG,
  EMPTY_TRANSFORMER_CONFIG,
  mergeTransformerConfigs,
} from '../../../kustomize/transform/transformer-config.js';
import { at, resMap, resources } from './helpers.js';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers: [{name: init, image: busybox}]
      containers: [{name: web, image: "registry.example.com/web:1.0"}]
`;

describe('namespace transformer', () => {
  it.each<[string, string, unknown]>([
    ['sets the namespace of a namespaced resource', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n', 'shop'],
    [
      'replaces an existing namespace',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: old}\n',
      'shop',
    ],
    [
      'leaves a cluster-scoped kind without one',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n',
      undefined,
    ],
    [
      'namespaces a kind it does not know (a custom resource)',
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n',
      'shop',
    ],
  ])('%s', (_what, yaml, expected) => {
    const map = resMap(yaml);
    transformNamespace(map, 'shop');
    expect(map.resources[0]?.namespace || undefined).toBe(expected);
  });

  it('renames a Namespace object to the namespace', () => {
    const map = resMap('apiVersion: v1\nkind: Namespace\nmetadata: {name: placeholder}\n');
    transformNamespace(map, 'shop');
    expect(map.resources[0]?.name).toBe('shop');
  });

  it('moves RoleBinding subjects named default, and no others', () => {
    const map = resMap(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb}
subjects:
- {kind: ServiceAccount, name: default}
- {kind: ServiceAccount, name: other, namespace: elsewhere}
`);
    transformNamespace(map, 'shop');
    expect(map.resources[0]?.obj['subjects']).toEqual([
      { kind: 'ServiceAccount', name: 'default', namespace: 'shop' },
      { kind: 'ServiceAccount', name: 'other', namespace: 'elsewhere' },
    ]);
  });

  it('records the previous namespace so references can still find the resource', () => {
    const map = resMap('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    transformNamespace(map, 'shop');
    expect(map.resources[0]?.orgId()).toEqual({
      gvk: { group: '', version: 'v1', kind: 'ConfigMap' },
      name: 'c',
      namespace: 'default',
    });
  });

  it('refuses to merge two resources into one id', () => {
    const map = resMap(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: b}\n',
    );
    expect(() => transformNamespace(map, 'shop')).toThrow(/ID conflict/);
  });
});

describe('namePrefix / nameSuffix transformer', () => {
  it.each<[string, string, string]>([
    ['prefixes a Deployment', deployment, 'p-web-s'],
    ['skips a Namespace', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n', 'ns'],
    [
      'skips a CRD',
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: a.b.c}\n',
      'a.b.c',
    ],
    [
      'skips an APIService',
      'apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1.x}\n',
      'v1.x',
    ],
  ])('%s', (_what, yaml, expected) => {
    const map = resMap(yaml);
    transformNameAffix(map, 'prefix', 'p-');
    transformNameAffix(map, 'suffix', '-s');
    expect(map.resources[0]?.name).toBe(expected);
  });

  it('keeps the affixes and the original name for name references', () => {
    const map = resMap(deployment);
    transformNameAffix(map, 'prefix', 'p-');
    const [r] = map.resources;
    expect(r?.prefixes()).toEqual(['p-']);
    expect(r?.orgId().name).toBe('web');
  });
});

describe('labels and annotations transformers', () => {
  const selectorLabels = (yaml: string, entries: Parameters<typeof transformLabels>[1], common = {}) => {
    const map = resMap(yaml);
    transformLabels(map, entries, common);
    const obj = map.resources[0]?.obj;
    return {
      metadata: at(obj, 'metadata.labels'),
      selector: at(obj, 'spec.selector.matchLabels'),
      template: at(obj, 'spec.template.metadata.labels'),
    };
  };

  it.each<[string, Parameters<typeof transformLabels>[1], Record<string, string>, unknown]>([
    [
      'commonLabels reach metadata, selector and template',
      [],
      { team: 'a' },
      { metadata: { team: 'a' }, selector: { app: 'web', team: 'a' }, template: { app: 'web', team: 'a' } },
    ],
    [
      'labels without selectors reach metadata only',
      [{ pairs: { team: 'a' } }],
      {},
      { metadata: { team: 'a' }, selector: { app: 'web' }, template: { app: 'web' } },
    ],
    [
      'labels with includeTemplates also reach the pod template',
      [{ pairs: { team: 'a' }, includeTemplates: true }],
      {},
      { metadata: { team: 'a' }, selector: { app: 'web' }, template: { app: 'web', team: 'a' } },
    ],
    [
      'labels with includeSelectors reach selectors too',
      [{ pairs: { team: 'a' }, includeSelectors: true }],
      {},
      { metadata: { team: 'a' }, selector: { app: 'web', team: 'a' }, template: { app: 'web', team: 'a' } },
    ],
  ])('%s', (_what, entries, common, expected) => {
    expect(selectorLabels(deployment, entries, common)).toEqual(expected);
  });

  it('creates a Service selector when commonLabels are set', () => {
    const map = resMap('apiVersion: v1\nkind: Service\nmetadata: {name: s}\n');
    transformLabels(map, [], { team: 'a' });
    expect(map.resources[0]?.obj['spec']).toEqual({ selector: { team: 'a' } });
  });

  it('refuses label field specs that disagree on create', () => {
    expect(() =>
      transformLabels(
        resMap(deployment),
        [{ pairs: { a: 'b' }, fields: [{ path: 'metadata/labels', create: false }] }],
        {},
      ),
    ).toThrow(/conflicting fieldspecs/);
  });

  it('annotates metadata and pod templates', () => {
    const map = resMap(deployment);
    transformAnnotations(map, { note: 'x' });
    const obj = map.resources[0]?.obj;
    expect(at(obj, 'metadata.annotations')).toEqual({ note: 'x' });
    expect(at(obj, 'spec.template.metadata.annotations')).toEqual({ note: 'x' });
  });
});

describe('images transformer', () => {
  it.each<[string, string, Parameters<typeof rewriteImage>[1], string | undefined]>([
    ['sets a tag', 'nginx:1.25', { name: 'nginx', newTag: '1.26' }, 'nginx:1.26'],
    ['sets a name, keeping the tag', 'nginx:1.25', { name: 'nginx', newName: 'mirror/nginx' }, 'mirror/nginx:1.25'],
    ['sets a digest, dropping the tag', 'nginx:1.25', { name: 'nginx', digest: 'sha256:ab' }, 'nginx@sha256:ab'],
    ['sets tag and digest', 'nginx', { name: 'nginx', newTag: '1', digest: 'sha256:ab' }, 'nginx:1@sha256:ab'],
    ['appends a tag suffix', 'app:1.4', { name: 'app', tagSuffix: '-debug' }, 'app:1.4-debug'],
    [
      'keeps a registry port apart from the tag',
      'localhost:5000/app:1',
      { name: 'localhost:5000/app', newTag: '2' },
      'localhost:5000/app:2',
    ],
    ['does not touch a longer name', 'nginx-exporter:1', { name: 'nginx', newTag: '2' }, undefined],
  ])('%s', (_what, image, rule, expected) => {
    expect(rewriteImage(image, rule)).toBe(expected);
  });

  it('splits a reference into name, tag and digest', () => {
    expect(splitImage('r.io:443/a/b:1.0@sha256:cd')).toEqual({ name: 'r.io:443/a/b', tag: '1.0', digest: 'sha256:cd' });
  });

  it('rewrites containers and initContainers of a workload', () => {
    const map = resMap(deployment);
    transformImages(map, [
      { name: 'busybox', newTag: '1.36' },
      { name: 'registry.example.com/web', newTag: '2.0' },
    ]);
    const obj = map.resources[0]?.obj;
    expect(at(obj, 'spec.template.spec.initContainers.0.image')).toBe('busybox:1.36');
    expect(at(obj, 'spec.template.spec.containers.0.image')).toBe('registry.example.com/web:2.0');
  });
});

describe('replicas transformer', () => {
  it('sets the count on the named workload', () => {
    const map = resMap(deployment);
    transformReplicas(map, { name: 'web', count: 4 });
    expect(at(map.resources[0]?.obj, 'spec.replicas')).toBe(4);
  });

  it('fails when no workload has the name', () => {
    expect(() => transformReplicas(resMap(deployment), { name: 'nope', count: 1 })).toThrow(KustomizeFailure);
  });
});

describe('legacy output order', () => {
  it('puts namespaces and RBAC first, workloads after services, webhooks last', () => {
    const sorted = sortResources(
      resources(`apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: w}
---
${deployment}---
apiVersion: v1
kind: Service
metadata: {name: s}
---
apiVersion: v1
kind: Namespace
metadata: {name: n}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: x}
`),
      undefined,
    );
    expect(sorted.map((r) => r.kind)).toEqual([
      'Namespace',
      'Service',
      'Deployment',
      'Widget',
      'ValidatingWebhookConfiguration',
    ]);
  });

  it('keeps input order with fifo', () => {
    const list = resources(
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n',
    );
    expect(sortResources(list, { order: 'fifo' }).map((r) => r.kind)).toEqual(['Service', 'Namespace']);
  });
});

// kyaml's Lookup reads these path segments as steps into a list, so a field spec walking a mapping fails on them
// (messages and causes checked against kustomize v5.8.2 with a `configurations:` commonLabels path `data/<segment>`).
describe('field spec segments kyaml reads as list steps', () => {
  const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b, "31": c}\n';

  it.each<[string, string]>([
    ['31', 'wrong node kind: expected SequenceNode but got MappingNode'],
    ['+2', 'wrong node kind: expected SequenceNode but got MappingNode'],
    ['007', 'wrong node kind: expected SequenceNode but got MappingNode'],
    ['-1', 'array index -1 cannot be negative'],
    ['-', 'wrong node kind: expected SequenceNode but got MappingNode'],
    ['[a=b]', 'wrong node kind: expected SequenceNode but got MappingNode'],
    ['[ab]', 'list path element must contain fieldName=fieldValue for element to match'],
    ['*', 'wildcard is not supported in PathGetter'],
  ])('data/%s fails: %s', (segment, message) => {
    const map = resMap(configMap);
    const config = { ...DEFAULT_TRANSFORMER_CONFIG, commonLabels: [{ kind: 'ConfigMap', path: `data/${segment}` }] };
    expect(() => transformLabels(map, [], { x: 'z' }, config)).toThrow(`fieldName: ${segment}: ${message}`);
  });

  it('takes a number beyond int64 as a field name, as strconv.Atoi cannot read it', () => {
    const map = resMap(configMap);
    const path = 'data/99999999999999999999';
    const config = { ...DEFAULT_TRANSFORMER_CONFIG, commonLabels: [{ kind: 'ConfigMap', path }] };
    expect(() => transformLabels(map, [], { x: 'z' }, config)).not.toThrow();
  });
});

describe('the default transformer configuration', () => {
  it('merged into nothing gives its own lists back, which lets a render skip that merge', () => {
    // A copy takes the general path: every list merged spec by spec (kustomize's MergeAll), then sorted.
    const merged = mergeTransformerConfigs(EMPTY_TRANSFORMER_CONFIG, { ...DEFAULT_TRANSFORMER_CONFIG });

    expect(Object.keys(merged)).toEqual(Object.keys(DEFAULT_TRANSFORMER_CONFIG));
    for (const field of Object.keys(DEFAULT_TRANSFORMER_CONFIG) as (keyof typeof DEFAULT_TRANSFORMER_CONFIG)[]) {
      expect(merged[field]).toEqual(DEFAULT_TRANSFORMER_CONFIG[field]);
    }
    expect(DEFAULT_TRANSFORMER_CONFIG.nameReference.length).toBeGreaterThan(10);
    expect(mergeTransformerConfigs(EMPTY_TRANSFORMER_CONFIG, DEFAULT_TRANSFORMER_CONFIG)).toBe(
      DEFAULT_TRANSFORMER_CONFIG,
    );
  });
});
