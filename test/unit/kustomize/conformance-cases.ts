import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The conformance corpus: test/kustomize/cases/<case>/, each built by `kustomize build <case>`. */
export const CASES_DIR = fileURLToPath(new URL('../../kustomize/cases', import.meta.url));

/**
 * Where kustomize-ts must say a failing case went wrong (error-location.txt): the kustomization file, relative to the
 * case, and the field in it, or `undefined` when the file (or directory) as a whole is at fault, written `(none)`.
 */
export interface ErrorLocationExpectation {
  readonly file: string;
  readonly field: string | undefined;
}

/** What a case expects. */
export type CaseExpectation =
  /** `kustomize build` succeeds with exactly these bytes. */
  | { readonly kind: 'output'; readonly yaml: string }
  /** `kustomize build` fails (its stderr is `cliError`); kustomize-ts must fail with `reason` at `location`. */
  | {
      readonly kind: 'error';
      readonly reason: string;
      readonly location: ErrorLocationExpectation;
      readonly cliError: string;
    }
  /** The CLI is not run on this case (`why`); kustomize-ts must fail with `reason` at `location`. */
  | {
      readonly kind: 'error-without-cli';
      readonly reason: string;
      readonly location: ErrorLocationExpectation;
      readonly why: string;
    };

export interface ConformanceCase {
  readonly name: string;
  readonly dir: string;
  readonly expectation: CaseExpectation;
}

const read = (path: string): string => readFileSync(path, 'utf8');

/** Parses error-location.txt: exactly a `file:` line and a `field:` line, so a case cannot leave either unstated. */
export function parseErrorLocation(text: string, name: string): ErrorLocationExpectation {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const file = /^file: (\S.*)$/.exec(lines[0] ?? '')?.[1]?.trim();
  const field = /^field: (\S.*)$/.exec(lines[1] ?? '')?.[1]?.trim();
  if (lines.length !== 2 || file === undefined || field === undefined) {
    throw new Error(
      `${name}: error-location.txt must hold two lines, "file: <kustomization file>" and "field: <field or (none)>"`,
    );
  }
  return { file, field: field === '(none)' ? undefined : field };
}

/** Reads every case; a case whose expectation files are missing or contradictory makes this throw. */
export function loadCases(casesDir: string = CASES_DIR): ConformanceCase[] {
  return readdirSync(casesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const dir = join(casesDir, name);
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
      if (!has('error-location.txt')) {
        throw new Error(
          `${name}: a failing case needs error-location.txt naming the kustomization file and field the error must name`,
        );
      }
      const location = parseErrorLocation(read(join(dir, 'error-location.txt')), name);
      if (has('cli-skip.txt')) {
        return {
          name,
          dir,
          expectation: { kind: 'error-without-cli', reason, location, why: read(join(dir, 'cli-skip.txt')).trim() },
        };
      }
      if (!has('expected-error.txt')) throw new Error(`${name}: error-reason.txt without expected-error.txt`);
      return {
        name,
        dir,
        expectation: { kind: 'error', reason, location, cliError: read(join(dir, 'expected-error.txt')) },
      };
    });
}
