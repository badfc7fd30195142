import type { Octokit } from '@octokit/rest';
import type { RepoRef, WriteOutcome } from './repo-ref.js';
import { LIMITS, truncate, truncateMarkdown } from './text-limits.js';

/** How a finished check run ended (GitHub's set, without `stale`, which only GitHub may set). */
export type CheckConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'timed_out' | 'action_required' | 'skipped';

/** Where a check run is: still going, or done with a conclusion (GitHub requires one when completed). */
export type CheckRunProgress =
  | { readonly status: 'queued' | 'in_progress' }
  | { readonly status: 'completed'; readonly conclusion: CheckConclusion };

/** A check run as the pipeline wants it to look; the Markdown comes from the caller (core/report). */
export interface CheckRunInput {
  readonly sha: string;
  /** Shown on the pull request, e.g. `deploy/dev` or `preview/dev`. */
  readonly name: string;
  /** Identifies the run across replays, e.g. `dev:<sha>`; the run is found by it and updated. */
  readonly externalId: string;
  readonly progress: CheckRunProgress;
  readonly title: string;
  /** Markdown, cut to 65,535 characters with a note. */
  readonly summary: string;
  /** Markdown details, same limit. */
  readonly text?: string;
  readonly detailsUrl?: string;
  /** Lines of files to mark on the pull request's diff; GitHub takes at most 50 per request, the rest are dropped. */
  readonly annotations?: readonly CheckAnnotation[];
}

/** A file and line a check run points at. */
export interface CheckAnnotation {
  /** Relative to the repository root. */
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly level: 'notice' | 'warning' | 'failure';
  readonly title?: string;
  readonly message: string;
}

/** The check run written and what happened to it (`unchanged`: it was completed, and the write would reopen it). */
export interface CheckRunResult {
  readonly id: number;
  readonly outcome: WriteOutcome;
  /** The run's page on GitHub (`html_url`), what a deployment status links to as its log. */
  readonly url?: string;
}

/**
 * Creates the check run, or updates the one already carrying `externalId` on that commit. GitHub cannot filter by
 * `external_id`, so the runs of that name on the commit are listed (all of them, not only the latest) and filtered
 * here. The pipeline reports one environment at a time, so two writers never race to create the same run.
 *
 * A completed run is never reopened: a `queued` or `in_progress` write to it is dropped (`unchanged`). Such a write
 * is a late one: a `pending` report job that failed, backed off, and came back after the outcome was written would
 * otherwise turn a finished deploy back into a running one for good. A completed write always lands (a redeploy of
 * the same commit replaces the earlier outcome; it only shows no `in_progress` in between).
 */
export async function upsertCheckRun(
  octokit: Octokit,
  repo: RepoRef,
  input: CheckRunInput,
  signal?: AbortSignal,
): Promise<CheckRunResult> {
  const found = await findCheckRun(octokit, repo, input, signal);
  if (found?.status === 'completed' && input.progress.status !== 'completed')
    return { id: found.id, outcome: 'unchanged', ...(found.url && { url: found.url }) };
  const existing = found?.id;
  // GitHub appends annotations to a run's existing ones: a replay (a redelivered push) must not list them twice.
  const annotations = found !== undefined && found.annotationsCount > 0 ? undefined : input.annotations;
  const fields = {
    name: input.name,
    external_id: input.externalId,
    details_url: input.detailsUrl,
    output: {
      title: truncate(input.title, LIMITS.checkTitle),
      summary: truncateMarkdown(input.summary, LIMITS.checkText),
      text: input.text === undefined ? undefined : truncateMarkdown(input.text, LIMITS.checkText),
      ...(annotations !== undefined && annotations.length > 0 && {
        annotations: annotations.slice(0, LIMITS.checkAnnotations).map((annotation) => ({
          path: annotation.path,
          start_line: annotation.startLine,
          end_line: annotation.endLine,
          annotation_level: annotation.level,
          message: truncate(annotation.message, LIMITS.checkText),
          ...(annotation.title !== undefined && { title: truncate(annotation.title, LIMITS.checkTitle) }),
        })),
      }),
    },
    ...progressFields(input.progress),
    request: { signal },
  };
  if (existing !== undefined) {
    const { data } = await octokit.checks.update({ ...repo, check_run_id: existing, ...fields });
    return { id: existing, outcome: 'updated', ...(data.html_url && { url: data.html_url }) };
  }
  // Not repeated on a 5xx (`retries: 0`): the run may exist all the same, and GitHub would keep a duplicate. The
  // error is retryable; the job's retry looks it up first.
  const { data } = await octokit.checks.create({ ...repo, head_sha: input.sha, ...fields, request: { signal, retries: 0 } });
  return { id: data.id, outcome: 'created', ...(data.html_url && { url: data.html_url }) };
}

/** The newest run of that name carrying `externalId` on the commit. */
async function findCheckRun(
  octokit: Octokit,
  repo: RepoRef,
  input: CheckRunInput,
  signal?: AbortSignal,
): Promise<FoundRun | undefined> {
  const runs = await octokit.paginate(octokit.checks.listForRef, {
    ...repo,
    ref: input.sha,
    check_name: input.name,
    filter: 'all',
    per_page: 100,
    request: { signal },
  });
  return runs
    .filter((run) => run.external_id === input.externalId)
    .reduce<FoundRun | undefined>(
      (newest, run) =>
        newest && newest.id > run.id
          ? newest
          : { id: run.id, status: run.status, url: run.html_url, annotationsCount: run.output.annotations_count },
      undefined,
    );
}

interface FoundRun {
  readonly id: number;
  readonly status: string;
  readonly url: string | null;
  readonly annotationsCount: number;
}

function progressFields(progress: CheckRunProgress): {
  status: CheckRunProgress['status'];
  conclusion?: CheckConclusion;
} {
  return progress.status === 'completed'
    ? { status: 'completed', conclusion: progress.conclusion }
    : { status: progress.status };
}
