/** A repository on GitHub. */
export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

/** Options of every reporter call. */
export interface CallOptions {
  /** Cancels the request in flight and any wait before a retry. */
  readonly signal?: AbortSignal;
}

/** What an idempotent write did: replaying a call ends in `unchanged` (or `updated`), never in a duplicate. */
export type WriteOutcome = 'created' | 'updated' | 'unchanged';

/** `acme/gitops@1a2b3c4`, for operation names in messages and logs. */
export function atCommit(repo: RepoRef, sha: string): string {
  return `${repo.owner}/${repo.repo}@${sha.slice(0, 7)}`;
}
