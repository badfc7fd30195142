import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { binaryDirs } from '../../platform/paths.js';
import { readVersions } from '../../platform/versions.js';
import { loadCases } from './conformance-cases.js';

const versions = readVersions();
const kustomize = join(binaryDirs(versions).kustomize, 'kustomize');
const cases = loadCases().filter((c) => c.expectation.kind !== 'error-without-cli');

/** The same normalization scripts/regenerate-kustomize-expectations.sh applies to the CLI's stderr. */
function normalizeStderr(stderr: string, dir: string): string {
  return stderr
    .split('\n')
    .filter((line) => !line.startsWith('# Warning:'))
    .join('\n')
    .split(realpathSync(dir))
    .join('<case>')
    .replace(/0x[0-9a-f]{8,}/g, '0xADDR')
    // kustomize words a crds: definition's type error either way, by Go's map order (about one run in ten).
    .replace(/json: unable to unmarshal/g, 'json: cannot unmarshal');
}

describe(`checked-in expectations match kustomize ${versions.KUSTOMIZE_VERSION}`, () => {
  it('has the kustomize CLI to compare with', () => {
    if (!existsSync(kustomize)) {
      throw new Error(
        `kustomize ${versions.KUSTOMIZE_VERSION} is not built at ${kustomize}, so the corpus cannot be checked against it. ` +
          'Build it with: bash test/platform/bin/build-binaries.sh kustomize',
      );
    }
  });

  describe.each(cases)('$name', ({ dir, expectation }) => {
    it('is what kustomize build produces today', () => {
      if (!existsSync(kustomize))
        throw new Error(`kustomize is not built; run: bash test/platform/bin/build-binaries.sh kustomize`);
      const run = spawnSync(kustomize, ['build', '.'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      if (expectation.kind === 'output') {
        expect(run.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('# Warning:'))).toEqual([]);
        expect(run.status).toBe(0);
        expect(run.stdout).toBe(expectation.yaml);
      } else if (expectation.kind === 'error') {
        expect(run.status).not.toBe(0);
        expect(normalizeStderr(run.stderr, dir)).toBe(expectation.cliError);
      }
    });
  });
});
