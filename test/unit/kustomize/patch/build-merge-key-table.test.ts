import { buildMergeKeyTable, compareTables } from '../../../../kustomize/patch/build-merge-key-table.js';
import { BUILTIN_MERGE_KEYS, listMergeBehaviour } from '../../../../kustomize/patch/index.js';

/** A miniature OpenAPI v2 document with the shapes the builder must handle. */
const document = {
  info: { title: 'Kubernetes', version: 'v9.9.9' },
  paths: {
    '/apis/example.com/v1/namespaces/{namespace}/widgets/{name}': {
      get: { 'x-kubernetes-group-version-kind': { group: 'example.com', version: 'v1', kind: 'Widget' } },
    },
    '/apis/example.com/v1/gadgets/{name}': {
      get: { 'x-kubernetes-group-version-kind': { group: 'example.com', version: 'v1', kind: 'Gadget' } },
    },
  },
  definitions: {
    'com.example.Widget': {
      'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }],
      properties: {
        spec: { $ref: '#/definitions/com.example.Spec' },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' },
      },
    },
    'com.example.Spec': {
      properties: {
        parts: {
          type: 'array',
          items: { $ref: '#/definitions/com.example.Part' },
          'x-kubernetes-patch-merge-key': 'name',
          'x-kubernetes-patch-strategy': 'merge',
          'x-kubernetes-list-map-keys': ['name', 'slot'],
          'x-kubernetes-list-type': 'map',
        },
        byZone: { type: 'object', additionalProperties: { $ref: '#/definitions/com.example.Part' } },
        plain: { type: 'array', items: { type: 'string' } },
      },
    },
    'com.example.Part': {
      properties: {
        name: { type: 'string' },
        children: {
          type: 'array',
          items: { $ref: '#/definitions/com.example.Part' },
          'x-kubernetes-list-type': 'atomic',
        },
        rules: { type: 'array', items: { type: 'string' }, 'x-kubernetes-patch-strategy': 'merge' },
      },
    },
    'com.example.Gadget': {
      'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Gadget' }],
      properties: { items: { type: 'array', items: { type: 'string' } } },
    },
  },
};

describe('buildMergeKeyTable', () => {
  const table = buildMergeKeyTable(document, 'digest', 'fixture');
  const widget = table.kinds['example.com/v1']?.['Widget'];

  it('lists every list field with an extension by path, with [] for list elements', () => {
    expect(Object.keys(widget?.lists ?? {})).toEqual([
      'spec.byZone.*.children',
      'spec.byZone.*.rules',
      'spec.parts',
      'spec.parts[].children',
      'spec.parts[].rules',
      'tags',
    ]);
    expect(widget?.lists['spec.parts']).toEqual({
      strategy: 'merge',
      mergeKey: 'name',
      listType: 'map',
      listMapKeys: ['name', 'slot'],
    });
  });

  it('records maps of shared value schemas and cuts recursive definitions into recursions', () => {
    expect(widget?.maps).toEqual(['spec.byZone']);
    expect(widget?.recursions).toEqual({
      'spec.byZone.*.children[]': 'spec.byZone.*',
      'spec.parts[].children[]': 'spec.parts[]',
    });
  });

  it('takes the scope from the paths, as kyaml does', () => {
    expect(widget?.scope).toBe('Namespaced');
    expect(table.kinds['example.com/v1']?.['Gadget']).toEqual({ scope: 'Cluster', lists: {} });
    expect(table.source).toMatchObject({ kubernetesVersion: 'v9.9.9', sha256: 'digest' });
  });

  it('reports only behaviour-changing differences when asked', () => {
    const other = structuredClone(table) as {
      kinds: Record<string, Record<string, { lists: Record<string, object> }>>;
    };
    const lists = other.kinds['example.com/v1']?.['Widget']?.lists ?? {};
    lists['tags'] = { strategy: 'merge', listType: 'set' };
    lists['spec.parts[].rules'] = { listType: 'atomic' };
    const differences = compareTables(table, other as unknown as typeof table, true);
    expect(differences.map((d) => d.path)).toEqual(['spec.parts[].rules']);
  });
});

describe('the checked-in table (kustomize v5.8.2 embedded schema, Kubernetes v1.21.2)', () => {
  const deployment = BUILTIN_MERGE_KEYS.kinds['apps/v1']?.['Deployment'];

  it('merges containers by name and ports by containerPort and protocol', () => {
    expect(listMergeBehaviour(deployment?.lists['spec.template.spec.containers'])).toEqual({
      associative: true,
      keys: ['name'],
    });
    expect(listMergeBehaviour(deployment?.lists['spec.template.spec.containers[].ports'])).toEqual({
      associative: true,
      keys: ['containerPort', 'protocol'],
    });
  });

  it('does not know autoscaling/v2, which kustomize v5.8.2 therefore merges without keys', () => {
    expect(BUILTIN_MERGE_KEYS.kinds['autoscaling/v2']).toBeUndefined();
    expect(BUILTIN_MERGE_KEYS.source.kubernetesVersion).toBe('v1.21.2');
  });
});
