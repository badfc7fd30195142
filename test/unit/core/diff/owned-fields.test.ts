import { InSyncMemo } from '../../../../core/diff/in-sync.js';
import { changedFields, holdsDesired, latestWriter, ownedFieldsHash, project, writerOf } from '../../../../core/diff/owned-fields.js';
import type { KubeObject } from '../../../../core/kube/object.js';
import { refKey, refOf } from '../../../../core/kube/object.js';

// What the apiserver records for a Deployment gantry applied (replicas, one container's image and a label), and
// the HPA's status writes: the shape of real managedFields.
const GANTRY_FIELDS = {
  'f:metadata': { 'f:labels': { 'f:app': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:template': {
      'f:spec': { 'f:containers': { 'k:{"name":"api"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
    },
  },
};

function deployment(overrides: { image?: string; replicas?: number; env?: string; managers?: unknown[] } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'api',
      namespace: 'shop',
      labels: { app: 'api', 'pod-template-hash': 'x' },
      resourceVersion: '1',
      managedFields: overrides.managers ?? [
        { manager: 'gantry', operation: 'Apply', time: '2026-12-04T10:00:00Z', fieldsV1: GANTRY_FIELDS },
      ],
    },
    spec: {
      replicas: overrides.replicas ?? 2,
      template: {
        spec: {
          containers: [
            { name: 'api', image: overrides.image ?? 'api:1', env: [{ name: 'X', value: overrides.env ?? 'a' }] },
            { name: 'sidecar', image: 'proxy:1' },
          ],
        },
      },
    },
    status: { replicas: 2 },
  } satisfies KubeObject;
}

describe('project: an object cut down to a managedFields field set', () => {
  it('keeps the owned values, finds list items by key, and leaves out what others own', () => {
    expect(project(deployment(), GANTRY_FIELDS)).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': 'api' } },
      'f:spec': {
        'f:replicas': 2,
        'f:template': {
          'f:spec': { 'f:containers': { 'k:{"name":"api"}': { '.': true, 'f:image': 'api:1', 'f:name': 'api' } } },
        },
      },
    });
  });

  it('records a set item by value, and a missing item as absent', () => {
    const obj = { finalizers: ['a', 'b'], items: [] };
    expect(project(obj, { 'f:finalizers': { 'v:"a"': {} }, 'f:items': { 'k:{"name":"x"}': { '.': {} } } })).toEqual({
      'f:finalizers': { 'v:"a"': 'a' },
      'f:items': { 'k:{"name":"x"}': { '.': false } },
    });
  });
});

describe('ownedFieldsHash', () => {
  it('changes when an owned value changes, not when another manager’s or the status does', () => {
    const base = ownedFieldsHash(deployment(), 'gantry');
    expect(base).toBeDefined();
    expect(ownedFieldsHash(deployment({ env: 'b' }), 'gantry')).toBe(base);
    expect(ownedFieldsHash({ ...deployment(), status: { replicas: 5 } }, 'gantry')).toBe(base);
    expect(ownedFieldsHash(deployment({ image: 'api:2' }), 'gantry')).not.toBe(base);
    expect(ownedFieldsHash(deployment({ replicas: 3 }), 'gantry')).not.toBe(base);
  });

  it('changes when the owned field set shrinks (another manager took a field over)', () => {
    const { 'f:replicas': _taken, ...spec } = GANTRY_FIELDS['f:spec'];
    const managers = [
      { manager: 'gantry', operation: 'Apply', time: '2026-12-04T10:00:00Z', fieldsV1: { ...GANTRY_FIELDS, 'f:spec': spec } },
      { manager: 'kubectl-edit', operation: 'Update', time: '2026-12-04T10:05:00Z', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
    ];
    expect(ownedFieldsHash(deployment({ managers }), 'gantry')).not.toBe(ownedFieldsHash(deployment(), 'gantry'));
    expect(latestWriter(deployment({ managers }), 'gantry')).toBe('kubectl-edit');
  });

  it('is undefined for an object the manager never applied', () => {
    expect(ownedFieldsHash(deployment({ managers: [] }), 'gantry')).toBeUndefined();
  });
});

describe('changedFields', () => {
  it('names a field another manager took over, down to the leaf', () => {
    const before = { 'f:data': { '.': true, 'f:a': 'on' }, 'f:metadata': { 'f:labels': { 'f:x': 'y' } } };
    expect(changedFields(before, { 'f:metadata': { 'f:labels': { 'f:x': 'y' } } })).toEqual(['data.a']);
    expect(changedFields({ 'f:data': { 'f:a': 'on' } }, { 'f:data': { 'f:a': 'off' } })).toEqual(['data.a']);
    expect(changedFields({ 'f:spec': { 'f:x': { a: 1 } } }, { 'f:spec': { 'f:x': { a: 2 } } })).toEqual(['spec.x']);
  });
});

describe('InSyncMemo', () => {
  const desired: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' }, spec: { replicas: 2 } };
  const key = refKey(refOf(desired));

  it('knows nothing at first: every object takes the full path', () => {
    expect(new InSyncMemo('gantry').inSync(desired, deployment())).toBe(false);
  });

  it('is in sync for the same desired state over the same owned fields, and not after either moves', () => {
    const memo = new InSyncMemo('gantry');
    memo.remember(desired, deployment());
    expect(memo.inSync(desired, deployment({ env: 'other manager' }))).toBe(true);
    expect(memo.inSync({ ...desired, spec: { replicas: 3 } }, deployment())).toBe(false);
    expect(memo.inSync(desired, deployment({ image: 'api:edited' }))).toBe(false);
    expect(memo.inSync(desired, undefined)).toBe(false);
    expect(memo.moved(key, deployment({ env: 'other manager' }))).toBeUndefined();
    expect(memo.moved(key, deployment({ image: 'api:edited', replicas: 4 }))).toEqual([
      'spec.replicas',
      'spec.template.spec.containers[name=api].image',
    ]);
    expect(memo.moved(key, undefined)).toEqual(['(deleted)']);
    memo.forget(key);
    expect(memo.moved(key, deployment({ image: 'api:edited' }))).toBeUndefined();
  });
});

describe('writerOf', () => {
  it('names the manager that now owns the changed field, not the newest writer of the second', () => {
    const managers = [
      { manager: 'gantry', operation: 'Apply', time: '2026-12-04T10:00:00Z', fieldsV1: GANTRY_FIELDS },
      // Same second: an annotation, then the edit of the image. Times cannot tell them apart; ownership can.
      { manager: 'kubectl-annotate', operation: 'Update', time: '2026-12-04T10:05:00Z', fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:note': {} } } } },
      { manager: 'kubectl-edit', operation: 'Update', time: '2026-12-04T10:05:00Z', fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"api"}': { 'f:image': {} } } } } } } },
    ];
    expect(writerOf(deployment({ managers }), ['spec.template.spec.containers[name=api].image'], 'gantry')).toBe('kubectl-edit');
  });

  it('falls back to the newest writer when no other manager owns the field (it was removed), and never names itself', () => {
    const managers = [
      { manager: 'gantry', operation: 'Apply', time: '2026-12-04T10:00:00Z', fieldsV1: GANTRY_FIELDS },
      { manager: 'kubectl-edit', operation: 'Update', time: '2026-12-04T10:05:00Z', fieldsV1: { 'f:metadata': { 'f:labels': {} } } },
    ];
    expect(writerOf(deployment({ managers }), ['spec.template.spec.containers[name=api].env'], 'gantry')).toBe('kubectl-edit');
    expect(writerOf(deployment(), ['spec.replicas'], 'gantry')).toBe('gantry');
  });
});

describe('holdsDesired and InSyncMemo.adopt: learning an object applied by another process', () => {
  const desired = (image: string): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', namespace: 'shop', labels: { app: 'api' } },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'api', image }] } } },
  });

  it('adopts a live object whose owned fields hold the desired values, and then sees a change of them as drift', () => {
    const memo = new InSyncMemo('gantry');
    const live = deployment() as unknown as KubeObject;
    expect(holdsDesired(desired('api:1'), live, 'gantry')).toBe(true);
    expect(memo.adopt(desired('api:1'), live)).toBe(true);
    expect(memo.knows(refKey(refOf(live)))).toBe(true);
    expect(memo.moved(refKey(refOf(live)), deployment({ image: 'api:2' }) as unknown as KubeObject)).toEqual([
      'spec.template.spec.containers[name=api].image',
    ]);
  });

  it('does not adopt an object whose owned values differ from the desired ones, or that the manager never applied', () => {
    const memo = new InSyncMemo('gantry');
    expect(memo.adopt(desired('api:2'), deployment() as unknown as KubeObject)).toBe(false);
    expect(memo.adopt(desired('api:1'), deployment({ managers: [] }) as unknown as KubeObject)).toBe(false);
    expect(memo.size).toBe(0);
  });
});
