import { statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DiskFileSystem } from '../kustomize/index.js';
import type { CheckResult } from '../worker/stages/validate/check-repository.js';
import { checkRepository } from '../worker/stages/validate/check-repository.js';
import { validationProblems } from '../worker/stages/validate/validation-problems.js';
import type { CommandIo } from './command-io.js';
import { confinementRoot } from './confinement-root.js';

export const CHECK_USAGE = `Usage: gantry check [DIR] [--annotate github]

Checks a repository of apps and environments before anything is deployed from it (DIR: the repository's root;
default: the git repository holding the current directory, else the current directory):
  apps/<name>/               an app is a directory with a kustomize base (base/kustomization.yaml); its base must
                             render, and its app.yaml (optional) must be valid and describe the base truly: every
                             workload, container, port, Service port, probe, autoscaler and image it names exists
  environments/<name>/       an environment is a directory with env.yaml; it must be valid, its overlay must render
                             and set the same namespace
  all files together        names match directories; no two apps push to one repository; no two environments
                             share a namespace; canaries can be routed and finish within the rollout timeout
Prints one line per app and environment (ok, FAIL or skip) on stdout, and every problem, naming its file and
field, on stderr. Exit 0 when everything is valid, 1 otherwise.
  --annotate github          also print each problem on stdout as a GitHub Actions workflow command
                             (::error file=...,line=...,title=...::message), the file relative to the working
                             directory, so a workflow step marks the line on the pull request
`;

/** `gantry check [DIR]`: 0 when the repository's apps and environments are valid, 1 with the list of problems. */
export function runCheck(args: readonly string[], io: CommandIo): number {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(CHECK_USAGE);
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, options: { annotate: { type: 'string' } } });
  } catch (error) {
    io.stderr(`gantry check: ${error instanceof Error ? error.message : String(error)}\n\n${CHECK_USAGE}`);
    return 1;
  }
  const { positionals, values } = parsed;
  if (values.annotate !== undefined && values.annotate !== 'github') {
    io.stderr(`gantry check: --annotate takes github (GitHub Actions workflow commands), not ${values.annotate}\n\n${CHECK_USAGE}`);
    return 1;
  }
  if (positionals.length > 1) {
    io.stderr(`gantry check: expected at most one directory\n\n${CHECK_USAGE}`);
    return 1;
  }
  const cwd = resolve(io.cwd);
  const root = positionals[0] === undefined ? (confinementRoot(cwd, cwd) ?? cwd) : resolve(cwd, positionals[0]);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    io.stderr(`Error: ${root}: no such directory\n`);
    return 1;
  }
  let results: CheckResult[];
  const tree = new DiskFileSystem(root);
  try {
    results = checkRepository(tree);
  } catch (error) {
    io.stderr(`Error: ${root}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  for (const { subject, status, note } of results) {
    const label = status === 'fail' ? 'FAIL' : status === 'skip' ? 'skip' : 'ok';
    io.stdout(`${label.padEnd(4)}  ${subject}${status !== 'fail' && note ? `  (${note})` : ''}\n`);
  }
  if (!results.some((result) => result.status !== 'skip')) {
    io.stderr(
      `Error: ${root}: no app (apps/*/base/kustomization.yaml) or environment (environments/*/env.yaml) to check\n`,
    );
    return 1;
  }
  const errors = results.flatMap((result) => result.errors);
  for (const error of errors) io.stderr(`\n${error.message}\n`);
  if (values.annotate === 'github')
    for (const problem of validationProblems(results, tree)) {
      const file = relative(cwd, join(root, problem.file));
      const title = problem.field === '' ? problem.file : `${problem.file}: ${problem.field}`;
      io.stdout(
        `::error file=${property(file)},line=${problem.line},title=${property(title)}::${data(problem.message)}\n`,
      );
    }
  return errors.length > 0 ? 1 : 0;
}

/** A workflow command's message: GitHub reads `%`, CR and LF as escapes. */
function data(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** A workflow command's property value: also `:` and `,`, which end it. */
function property(text: string): string {
  return data(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}
