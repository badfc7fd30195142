import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCases, parseErrorLocation } from './conformance-cases.js';

describe('the conformance corpus reader', () => {
  let corpus: string;

  beforeEach(() => {
    corpus = mkdtempSync(join(tmpdir(), 'kustomize-cases-'));
  });

  afterEach(() => rmSync(corpus, { recursive: true, force: true }));

  function failingCase(files: Record<string, string>): void {
    mkdirSync(join(corpus, 'error-something'));
    const all = { 'kustomization.yaml': 'resources:\n- gone.yaml\n', 'error-reason.txt': 'missing-file\n', ...files };
    for (const [name, text] of Object.entries(all)) writeFileSync(join(corpus, 'error-something', name), text);
  }

  it('refuses a failing case that does not state which file and field its error must name', () => {
    failingCase({ 'expected-error.txt': 'Error: ...\n' });
    expect(() => loadCases(corpus)).toThrow(/error-something: a failing case needs error-location\.txt/);
  });

  it('reads the file and field a failing case expects', () => {
    failingCase({
      'expected-error.txt': 'Error: ...\n',
      'error-location.txt': 'file: kustomization.yaml\nfield: resources[0]\n',
    });
    expect(loadCases(corpus)[0]?.expectation).toMatchObject({
      kind: 'error',
      reason: 'missing-file',
      location: { file: 'kustomization.yaml', field: 'resources[0]' },
    });
  });

  it.each([
    ['a missing field line', 'file: kustomization.yaml\n'],
    ['an empty field', 'file: kustomization.yaml\nfield: \n'],
    ['the lines swapped', 'field: resources[0]\nfile: kustomization.yaml\n'],
    ['an extra line', 'file: kustomization.yaml\nfield: resources[0]\nreason: cycle\n'],
  ])('refuses an error-location.txt with %s', (_what, text) => {
    expect(() => parseErrorLocation(text, 'a-case')).toThrow(/a-case: error-location\.txt must hold two lines/);
  });

  it('reads "(none)" as an error about the file as a whole, with no field', () => {
    expect(parseErrorLocation('file: kustomization.yaml\nfield: (none)\n', 'a-case')).toEqual({
      file: 'kustomization.yaml',
      field: undefined,
    });
  });
});
