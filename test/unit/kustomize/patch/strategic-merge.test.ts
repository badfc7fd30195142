import { strategicMerge, StrategicMergeError } from '../../../../kustomize/patch/index.js';
import type { JsonObject } from '../../../../kustomize/patch/index.js';
import { loadFixtures } from './load-fixtures.js';

interface Case {
  name: string;
  base: JsonObject;
  patch: JsonObject;
  options?: { allowNameChange?: boolean; allowKindChange?: boolean };
  expected?: JsonObject | null;
  error?: string;
}

function gvkOf(object: JsonObject) {
  const apiVersion = String(object['apiVersion']);
  const slash = apiVersion.indexOf('/');
  return {
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    kind: String(object['kind']),
  };
}

describe('strategicMerge, as kustomize build applies a strategic merge patch', () => {
  const cases = loadFixtures<Case>('strategic-merge.yaml');

  it.each(cases.filter((c) => c.error === undefined).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const base = structuredClone(c.base);
    const patch = structuredClone(c.patch);
    expect(strategicMerge(base, patch, gvkOf(base), c.options ?? {})).toEqual(c.expected);
    // Inputs are never modified.
    expect(base).toEqual(c.base);
    expect(patch).toEqual(c.patch);
  });

  it.each(cases.filter((c) => c.error !== undefined).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const run = () => strategicMerge(c.base, c.patch, gvkOf(c.base), c.options ?? {});
    expect(run).toThrow(StrategicMergeError);
    expect(run).toThrow(c.error);
  });
});
