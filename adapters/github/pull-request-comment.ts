import type { Octokit } from '@octokit/rest';
import type { RepoRef, WriteOutcome } from './repo-ref.js';
import { LIMITS, truncateMarkdown } from './text-limits.js';

/** The hidden line that marks the one comment the pipeline keeps up to date on a pull request. */
export const PREVIEW_MARKER = '<!-- gantry:preview -->';

/** The comment to keep on a pull request. */
export interface PullRequestCommentInput {
  readonly pullNumber: number;
  /**
   * Markdown (the caller's); the marker is added in front. A function gets the kept comment's body (without the
   * marker line; `undefined` when there is none) and returns the new one, or `undefined` to leave it as it is.
   */
  readonly body: string | ((current: string | undefined) => string | undefined);
  /** Default {@link PREVIEW_MARKER}; another marker keeps a second, independent comment. */
  readonly marker?: string;
}

/** The comment written and what happened to it. */
export interface PullRequestCommentResult {
  readonly id: number;
  readonly outcome: WriteOutcome;
}

/**
 * Keeps exactly one comment carrying `marker` on the pull request: updates it (or leaves it when identical),
 * creates it when absent, and deletes extra copies a past race may have left, so the conversation shows one
 * preview that changes rather than one per push.
 */
export async function upsertPullRequestComment(
  octokit: Octokit,
  repo: RepoRef,
  input: PullRequestCommentInput,
  signal?: AbortSignal,
): Promise<PullRequestCommentResult> {
  const marker = input.marker ?? PREVIEW_MARKER;
  const comments = await octokit.paginate(octokit.issues.listComments, {
    ...repo,
    issue_number: input.pullNumber,
    per_page: 100,
    request: { signal },
  });
  const [kept, ...extra] = comments.filter((comment) => comment.body?.startsWith(marker)).sort((a, b) => a.id - b.id);
  for (const duplicate of extra) {
    await octokit.issues.deleteComment({ ...repo, comment_id: duplicate.id, request: { signal } });
  }
  const current = kept?.body?.startsWith(`${marker}\n`) ? kept.body.slice(marker.length + 1) : undefined;
  const next = typeof input.body === 'string' ? input.body : input.body(current);
  if (next === undefined) {
    if (kept !== undefined) return { id: kept.id, outcome: 'unchanged' };
    throw new Error('a pull request comment update returned nothing and there is no comment to keep');
  }
  const body = truncateMarkdown(`${marker}\n${next}`, LIMITS.commentBody);
  if (kept === undefined) {
    const { data } = await octokit.issues.createComment({ ...repo, issue_number: input.pullNumber, body, request: { signal } });
    return { id: data.id, outcome: 'created' };
  }
  if (kept.body === body) return { id: kept.id, outcome: 'unchanged' };
  await octokit.issues.updateComment({ ...repo, comment_id: kept.id, body, request: { signal } });
  return { id: kept.id, outcome: 'updated' };
}
