import type { Octokit } from '@octokit/rest';
import type { RepoRef } from './repo-ref.js';

/** Whether a pull request is still open: `missing` when GitHub does not know it (or the repository) any more. */
export type PullRequestState = 'open' | 'closed' | 'missing';

/** Reads a pull request's state (`GET /repos/{owner}/{repo}/pulls/{number}`). */
export async function readPullRequestState(
  octokit: Octokit,
  repo: RepoRef,
  pullNumber: number,
  signal?: AbortSignal,
): Promise<PullRequestState> {
  try {
    const { data } = await octokit.pulls.get({ ...repo, pull_number: pullNumber, request: { signal } });
    return data.state === 'open' ? 'open' : 'closed';
  } catch (error) {
    if (typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 404) return 'missing';
    throw error;
  }
}
