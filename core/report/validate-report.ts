// The `gantry/validate` check run: what `gantry check` says about a commit (every app.yaml and env.yaml valid,
// every app base and environment overlay rendered, every overlay kept in its namespace, the files valid as a set),
// told on the commit a push or pull request is about. A branch protection rule can require it, so it is always
// completed: success, failure, or failure because the commit could not be checked at all.
import { shortSha } from './deploy-report.js';
import { cell, code, codeBlock, table, truncate } from './markdown.js';
import { CHECK_RUN_SUMMARY_LIMIT } from './summarize.js';

/** The check run's name: fixed, since branch protection requires a check by name. */
export const VALIDATE_CHECK = 'gantry/validate';

/** GitHub accepts at most 50 annotations per check run request; the rest are in the summary. */
export const MAX_ANNOTATIONS = 50;

/** One problem, at the file (and line, when known) and field to fix. */
export interface ValidationProblem {
  /** Relative to the repository root: `environments/dev/env.yaml`. */
  readonly file: string;
  /** The field as a reader writes it (`rollout.timeout`), `''` for the file as a whole. */
  readonly field: string;
  readonly message: string;
  /** 1-based; 1 when the field could not be located. */
  readonly line: number;
}

/** One app, environment, or directory that is neither, as `gantry check` prints it. */
export interface ValidatedSubject {
  readonly subject: string;
  readonly status: 'ok' | 'fail' | 'skip';
  readonly note: string;
}

/** What was found at one commit, or why nothing could be checked. */
export type Validation =
  | {
      readonly kind: 'checked';
      readonly subjects: readonly ValidatedSubject[];
      readonly problems: readonly ValidationProblem[];
      /** What the apiserver's dry run covered, and what it could not (a fork, a cluster that did not answer). */
      readonly schema?: readonly string[];
    }
  | { readonly kind: 'unchecked'; readonly reason: string; readonly message: string };

/** A check run annotation in GitHub's terms (`path`, lines, level, message). */
export interface ValidateAnnotation {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly level: 'failure';
  readonly title: string;
  readonly message: string;
}

/** The completed check run's words. */
export interface ValidateReport {
  readonly conclusion: 'success' | 'failure';
  readonly title: string;
  readonly summary: string;
  readonly annotations: readonly ValidateAnnotation[];
}

/** The `gantry/validate` check run for `sha`. A commit with nothing to check (no app, no environment) fails. */
export function validateReport(sha: string, validation: Validation): ValidateReport {
  const short = shortSha(sha);
  if (validation.kind === 'unchecked') {
    return {
      conclusion: 'failure',
      title: `${short} could not be validated (${validation.reason})`,
      summary: truncate(
        `### ❌ ${short} could not be validated\n\n**${validation.reason}**\n\n${codeBlock(truncate(validation.message, 20_000))}`,
        CHECK_RUN_SUMMARY_LIMIT,
      ),
      annotations: [],
    };
  }
  const { subjects, problems } = validation;
  const checked = subjects.filter((subject) => subject.status !== 'skip');
  const empty = checked.length === 0;
  const failed = empty || problems.length > 0;
  const title = empty
    ? `${short}: no app (apps/*/base/kustomization.yaml) or environment (environments/*/env.yaml) to check`
    : failed
      ? `${short}: ${plural(problems.length, 'problem')} in ${plural(new Set(problems.map((p) => p.file)).size, 'file')}`
      : `${short}: ${plural(checked.length, 'app and environment', 'apps and environments')} valid`;
  const rows = subjects.map((subject) => [
    subject.status === 'fail' ? '❌ FAIL' : subject.status === 'skip' ? 'skip' : '✅ ok',
    code(subject.subject),
    cell(subject.status === 'fail' ? '' : subject.note),
  ]);
  const problemLines = problems.map(
    (problem) => `${problem.file}:${problem.line}: ${problem.field === '' ? '' : `${problem.field}: `}${problem.message}`,
  );
  const summary = [
    `### ${failed ? '❌' : '✅'} ${title}`,
    'Every app.yaml and env.yaml parsed and checked, every app base and environment overlay rendered with ' +
      "kustomize-ts and kept in its environment's namespace, and the files checked as a set: what `gantry check` does.",
    ...(rows.length > 0 ? [table(['', 'file', 'found'], rows)] : []),
    ...(validation.schema && validation.schema.length > 0
      ? [`#### Manifests against the apiserver's schema (server-side dry run)\n${validation.schema.map((line) => `- ${line}`).join('\n')}`]
      : []),
    ...(problemLines.length > 0 ? [`#### Problems\n${codeBlock(truncate(problemLines.join('\n'), 40_000))}`] : []),
  ].join('\n\n');
  return {
    conclusion: failed ? 'failure' : 'success',
    title,
    summary: truncate(summary, CHECK_RUN_SUMMARY_LIMIT),
    annotations: problems.slice(0, MAX_ANNOTATIONS).map((problem) => ({
      path: problem.file,
      startLine: problem.line,
      endLine: problem.line,
      level: 'failure',
      title: problem.field === '' ? problem.file : `${problem.file}: ${problem.field}`,
      message: truncate(problem.message, 64_000),
    })),
  };
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
