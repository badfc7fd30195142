import type { Octokit } from '@octokit/rest';
import type { RepoRef, WriteOutcome } from './repo-ref.js';
import { LIMITS, truncate } from './text-limits.js';

/** The states GitHub allows on a commit status. */
export type CommitState = 'pending' | 'success' | 'failure' | 'error';

/** One environment's commit status. */
export interface CommitStatusInput {
  readonly sha: string;
  /** The status context is `<kind>/<environment>`. */
  readonly environment: string;
  /** `deploy` (default): the deployment's outcome; `drift`: the environment moved away from what was deployed. */
  readonly kind?: 'deploy' | 'drift';
  readonly state: CommitState;
  /** One line; cut to GitHub's 140 characters. */
  readonly description: string;
  /** Where the status links to (the check run, a log, the release). */
  readonly targetUrl?: string;
}

/** The commit status context for an environment: `deploy/<env>`, or `drift/<env>`. */
export function statusContext(environment: string, kind: 'deploy' | 'drift' = 'deploy'): string {
  return `${kind}/${environment}`;
}

/** The states that end a deployment; a `pending` never follows one of them on the same commit and context. */
const FINAL: ReadonlySet<string> = new Set<CommitState>(['success', 'failure', 'error']);

/**
 * Sets the `deploy/<env>` status on a commit. GitHub keeps every status ever posted (up to 1,000 per context), so a
 * replay that would post what is already the latest status for the context posts nothing.
 *
 * A `pending` after a final state of the same context is dropped (`unchanged`): it is a late write (a `pending`
 * report job retried after the outcome was written), and GitHub would show the finished deploy as running forever.
 */
export async function setCommitStatus(
  octokit: Octokit,
  repo: RepoRef,
  input: CommitStatusInput,
  signal?: AbortSignal,
): Promise<WriteOutcome> {
  const context = statusContext(input.environment, input.kind);
  const description = truncate(input.description, LIMITS.statusDescription);
  const targetUrl = input.targetUrl ?? null;
  const { data } = await octokit.repos.getCombinedStatusForRef({
    ...repo,
    ref: input.sha,
    per_page: 100,
    request: { signal },
  });
  // Contexts are case-insensitive on GitHub.
  const latest = data.statuses.find((status) => status.context.toLowerCase() === context.toLowerCase());
  if (
    latest?.state === input.state &&
    latest.description === description &&
    (latest.target_url ?? null) === targetUrl
  ) {
    return 'unchanged';
  }
  if (input.state === 'pending' && latest !== undefined && FINAL.has(latest.state)) return 'unchanged';
  await octokit.repos.createCommitStatus({
    ...repo,
    sha: input.sha,
    context,
    state: input.state,
    description,
    target_url: targetUrl,
    request: { signal },
  });
  return 'created';
}
