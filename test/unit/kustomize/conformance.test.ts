import { DiskFileSystem, KustomizeError, renderKustomization } from '../../../kustomize/index.js';
import { loadCases } from './conformance-cases.js';

const cases = loadCases();

/** The first differing line, so a failure shows where kustomize-ts and the CLI part ways. */
function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i])
      return `line ${i + 1}:\n  kustomize:     ${JSON.stringify(a[i])}\n  kustomize-ts:  ${JSON.stringify(b[i])}`;
  }
  return 'no line differs';
}

describe('kustomize-ts conformance corpus (test/kustomize/cases)', () => {
  it('holds at least 80 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  describe.each(cases)('$name', ({ dir, expectation }) => {
    if (expectation.kind === 'output') {
      it('renders byte for byte what kustomize build prints', () => {
        const { yaml } = renderKustomization(new DiskFileSystem(dir), '');
        if (yaml !== expectation.yaml)
          throw new Error(`output differs from kustomize build at ${firstDifference(expectation.yaml, yaml)}`);
        expect(yaml).toBe(expectation.yaml);
      });
    } else {
      const { file, field } = expectation.location;
      const where = field === undefined ? file : `${file}, field ${field}`;
      it(`fails with a ${expectation.reason} KustomizeError naming ${where}, and no output, as kustomize build fails`, () => {
        let caught: unknown;
        let output: unknown;
        try {
          output = renderKustomization(new DiskFileSystem(dir), '');
        } catch (error) {
          caught = error;
        }
        expect(output).toBeUndefined();
        expect(caught).toBeInstanceOf(KustomizeError);
        const error = caught as KustomizeError;
        expect({ reason: error.reason, file: error.file, field: error.field }).toEqual({
          reason: expectation.reason,
          file,
          field,
        });
        // The message is what `gantry render` prints, so it must lead with the same file and field.
        expect(error.message.startsWith(field === undefined ? `${file}: ` : `${file}: ${field}: `)).toBe(true);
      });
    }
  });
});
