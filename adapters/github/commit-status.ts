import type { Octokit } from '@octokit/rest';
import type { RepoRef, WriteOutcome } from './repo-ref.js';
import { LIMITS, truncate } from './text-limits.js';

/** The states GitHub allows on a commit status. */
export type CommitState = 'pending' | 'success' | 'failure' | 'error';

/** One environment's commit status. */
export interface CommitStatusInput {
  readonly sha: string;
  /** The status context is `deploy/<environment>`. */
  readonly environment: string;
  readonly state: CommitState;
  /** One line; cut to GitHub's 140 characters. */
  readonly description: string;
  /** Where the status links to (the check run, a log, the release). */
  readonly targetUrl?: string;
}

/** The commit status context for an environment. */
export function statusContext(environment: string): string {
  return `deploy/${environment}`;
}

/**
 * Sets the `deploy/<env>` status on a commit. GitHub keeps every status ever posted (up to 1,000 per context), so a
 * replay that would post what is already the latest status for the context posts nothing.
 */
export async function setCommitStatus(
  octokit: Octokit,
  repo: RepoRef,
  input: CommitStatusInput,
  signal?: AbortSignal,
): Promise<WriteOutcome> {
  const context = statusContext(input.environment);
  const description = truncate(input.description, LIMITS.statusDescription);
  const targetUrl = input.targetUrl ?? null;
  const { data } = await octokit.repos.getCombinedStatusForRef({ ...repo, ref: input.sha, per_page: 100, request: { signal } });
  // Contexts are case-insensitive on GitHub.
  const latest = data.statuses.find((status) => status.context.toLowerCase() === context.toLowerCase());
  if (latest?.state === input.state && latest.description === description && (latest.target_url ?? null) === targetUrl) {
    return 'unchanged';
  }
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
