import { applyReplacements, removeBuildAnnotations, ReplacementError } from '../../../../kustomize/patch/index.js';
import type { JsonObject, Replacement } from '../../../../kustomize/patch/index.js';
import { loadFixtures } from './load-fixtures.js';

interface Case {
  name: string;
  resources: JsonObject[];
  replacements: Replacement[];
  expected?: JsonObject[];
  error?: string;
}

const idOf = (o: JsonObject) => {
  const metadata = o['metadata'] as JsonObject;
  return `${String(o['kind'])}/${String(metadata['namespace'] ?? '')}/${String(metadata['name'])}`;
};

/** kustomize prints objects in its own order; compare them by identity. */
const byId = (objects: JsonObject[]) => [...objects].sort((a, b) => idOf(a).localeCompare(idOf(b)));

describe('applyReplacements, as kustomize build applies replacements', () => {
  const cases = loadFixtures<Case>('replacements.yaml');

  it.each(cases.filter((c) => c.error === undefined).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const input = structuredClone(c.resources);
    // kustomize removes (and so rewrites) build annotations before printing.
    const output = applyReplacements(input, c.replacements).map(removeBuildAnnotations);
    expect(byId(output)).toEqual(byId(c.expected ?? []));
    expect(input).toEqual(c.resources);
  });

  it.each(cases.filter((c) => c.error !== undefined).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const run = () => applyReplacements(c.resources, c.replacements);
    expect(run).toThrow(ReplacementError);
    expect(run).toThrow(c.error);
  });
});

describe('ReplacementError', () => {
  it('names the failing replacement by index', () => {
    const objects: JsonObject[] = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: 'v' } }];
    const replacements: Replacement[] = [
      { sourceValue: 'x', targets: [{ select: { kind: 'ConfigMap' }, fieldPaths: ['data.k'] }] },
      { source: { kind: 'Secret' }, targets: [{ select: { kind: 'ConfigMap' } }] },
    ];
    expect(() => applyReplacements(objects, replacements)).toThrow(
      expect.objectContaining({ index: 1, reason: 'no-source' }),
    );
  });
});
