import {
  applyJson6902ToResource,
  parsePatch,
  PatchParseError,
  removeBuildAnnotations,
  selectTargets,
  strategicMerge,
  parseApiVersion,
} from '../../../../kustomize/patch/index.js';
import type { JsonObject, TargetSelector } from '../../../../kustomize/patch/index.js';
import { loadFixtures } from './load-fixtures.js';

interface Case {
  name: string;
  resources: JsonObject[];
  target?: TargetSelector;
  patchText: string;
  expected?: JsonObject[];
  error?: string;
  errorDetail?: string;
}

const nameOf = (o: JsonObject) => String((o['metadata'] as JsonObject)['name']);
const idOf = (o: JsonObject) => `${String(o['kind'])}/${nameOf(o)}`;
const byId = (objects: JsonObject[]) => [...objects].sort((a, b) => idOf(a).localeCompare(idOf(b)));
const gvkOf = (o: JsonObject) => ({ ...parseApiVersion(String(o['apiVersion'])), kind: String(o['kind']) });

/** Just enough of the PatchTransformer to see the classification's effect: apply to targets, or by identity. */
function apply(objects: JsonObject[], c: Case): JsonObject[] {
  const parsed = parsePatch(c.patchText, { source: '[path: "patch.yaml"]' });
  let result = objects;
  if (parsed.type === 'json6902') {
    const targets = new Set(selectTargets(result, c.target ?? {}));
    return result.map((o) => (targets.has(o) ? applyJson6902ToResource(o, parsed.ops) : o));
  }
  for (const patch of parsed.patches) {
    const targets = new Set(
      c.target === undefined ? result.filter((o) => idOf(o) === idOf(patch)) : selectTargets(result, c.target),
    );
    result = result.map((o) => (targets.has(o) ? (strategicMerge(o, patch, gvkOf(o)) ?? o) : o));
  }
  return result;
}

describe('parsePatch, as kustomize tells a strategic merge patch from a JSON 6902 patch', () => {
  const cases = loadFixtures<Case>('parse-patch.yaml');

  it.each(cases.filter((c) => c.error === undefined).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const output = apply(c.resources, c).map(removeBuildAnnotations);
    expect(byId(output)).toEqual(byId(c.expected ?? []));
  });

  it.each(cases.filter((c) => c.error !== undefined).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(() => parsePatch(c.patchText, { source: '[path: "patch.yaml"]' })).toThrow(PatchParseError);
    try {
      parsePatch(c.patchText, { source: '[path: "patch.yaml"]' });
    } catch (error) {
      expect(c.errorDetail?.endsWith((error as Error).message)).toBe(true);
    }
  });
});

describe('parsePatch on values already parsed', () => {
  it('takes an array for JSON 6902 operations and an object for a strategic merge patch', () => {
    expect(parsePatch([{ op: 'remove', path: '/a' }])).toEqual({
      type: 'json6902',
      ops: [{ op: 'remove', path: '/a' }],
    });
    const smp = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' } };
    expect(parsePatch(smp)).toEqual({ type: 'strategic-merge', patches: [smp] });
  });

  it('refuses empty text', () => {
    expect(() => parsePatch('')).toThrow(expect.objectContaining({ reason: 'empty' }));
  });
});
