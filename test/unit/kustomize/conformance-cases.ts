import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The conformance corpus: test/kustomize/cases/<case>/, each built by `kustomize build <case>`. */
export const CASES_DIR = fileURLToPath(new URL('../../kustomize/cases', import.meta.url));

/** What a case expects. */
export type CaseExpectation =
  /** `kustomize build` succeeds with exactly these bytes. */
  | { readonly kind: 'output'; readonly yaml: string }
  /** `kustomize build` fails (its stderr is `cliError`); kustomize-ts must fail with `reason`. */
  | { readonly kind: 'error'; readonly reason: string; readonly cliError: string }
  /** The CLI is not run on this case (`why`); kustomize-ts must fail with `reason`. */
  | { readonly kind: 'error-without-cli'; readonly reason: string; readonly why: string };

export interface ConformanceCase {
  readonly name: string;
  readonly dir: string;
  readonly expectation: CaseExpectation;
}

const read = (path: string): string => readFileSync(path, 'utf8');

/** Reads every case; a case whose expectation files are missing or contradictory makes this throw. */
export function loadCases(): ConformanceCase[] {
  return readdirSync(CASES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const dir = join(CASES_DIR, name);
      const has = (file: string): boolean => existsSync(join(dir, file));
      if (has('expected.yaml') && (has('expected-error.txt') || has('cli-skip.txt'))) {
        throw new Error(
          `${name}: has both expected.yaml and an error expectation; rerun scripts/regenerate-kustomize-expectations.sh`,
        );
      }
      if (has('expected.yaml'))
        return { name, dir, expectation: { kind: 'output', yaml: read(join(dir, 'expected.yaml')) } };
      if (!has('error-reason.txt')) {
        throw new Error(
          `${name}: no expected.yaml and no error-reason.txt; rerun scripts/regenerate-kustomize-expectations.sh`,
        );
      }
      const reason = read(join(dir, 'error-reason.txt')).trim();
      if (has('cli-skip.txt')) {
        return {
          name,
          dir,
          expectation: { kind: 'error-without-cli', reason, why: read(join(dir, 'cli-skip.txt')).trim() },
        };
      }
      if (!has('expected-error.txt')) throw new Error(`${name}: error-reason.txt without expected-error.txt`);
      return { name, dir, expectation: { kind: 'error', reason, cliError: read(join(dir, 'expected-error.txt')) } };
    });
}
