import {
  applyJson6902,
  applyJson6902ToResource,
  JsonPatchError,
  removeBuildAnnotations,
} from '../../../../kustomize/patch/index.js';
import type { JsonObject, JsonPatchOp } from '../../../../kustomize/patch/index.js';
import { loadFixtures } from './load-fixtures.js';

interface Case {
  name: string;
  base: JsonObject;
  ops: JsonPatchOp[];
  expected?: JsonObject;
  error?: string;
}

describe('applyJson6902ToResource, as kustomize build applies a JSON 6902 patch to a resource', () => {
  const cases = loadFixtures<Case>('json6902.yaml');

  it.each(cases.filter((c) => c.error === undefined).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const base = structuredClone(c.base);
    expect(removeBuildAnnotations(applyJson6902ToResource(base, c.ops))).toEqual(c.expected);
    expect(base).toEqual(c.base);
  });

  it.each(cases.filter((c) => c.error !== undefined).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const run = () => applyJson6902ToResource(c.base, c.ops);
    expect(run).toThrow(JsonPatchError);
    expect(run).toThrow(c.error);
  });
});

describe('applyJson6902 errors', () => {
  const cm: JsonObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } };

  it('name the failed operation by index, op and path, with a reason', () => {
    const ops: JsonPatchOp[] = [
      { op: 'add', path: '/data/b', value: '2' },
      { op: 'test', path: '/data/a', value: '9' },
    ];
    try {
      applyJson6902(cm, ops);
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(JsonPatchError);
      const e = error as JsonPatchError;
      expect([e.opIndex, e.op, e.path, e.reason]).toEqual([1, 'test', '/data/a', 'test-failed']);
    }
  });

  it('report a path that leads through a missing map as missing-path', () => {
    expect(() => applyJson6902(cm, [{ op: 'add', path: '/spec/x/y', value: 1 }])).toThrow(
      expect.objectContaining({ reason: 'missing-path', opIndex: 0 }),
    );
  });

  it('leave the input object untouched when an operation fails midway', () => {
    const input = structuredClone(cm);
    expect(() =>
      applyJson6902(input, [
        { op: 'add', path: '/data/b', value: '2' },
        { op: 'remove', path: '/data/zzz' },
      ]),
    ).toThrow(JsonPatchError);
    expect(input).toEqual(cm);
  });
});
