/**
 * Errors of the git adapter. Each carries `retryable`, so the worker decides between backing off and failing the
 * job without parsing messages, and a closed `reason`. Messages never contain credentials (see mask-credentials.ts).
 */

/** Why fetching from a remote failed. */
export type GitFetchFailure =
  /** Network, DNS, timeout, 5xx from the host, a killed transfer: worth another try. */
  | 'unreachable'
  /** The host refused our credentials: retrying with the same ones cannot help. */
  | 'auth'
  /** The remote does not exist (or hides itself from us, as GitHub does for private repositories). */
  | 'no-repository'
  /** The mirror could not be locked in time: another worker holds it for longer than the lock timeout. */
  | 'lock-timeout';

const RETRYABLE_FETCH: Readonly<Record<GitFetchFailure, boolean>> = {
  unreachable: true,
  auth: false,
  'no-repository': false,
  'lock-timeout': true,
};

/** Fetching `url` (credentials masked) into its mirror failed after the adapter's own retries. */
export class GitFetchError extends Error {
  override readonly name = 'GitFetchError';
  readonly retryable: boolean;

  constructor(
    readonly reason: GitFetchFailure,
    /** The remote URL with credentials masked. */
    readonly url: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`git fetch ${url} failed (${reason}): ${detail}`, options);
    this.retryable = RETRYABLE_FETCH[reason];
  }
}

/**
 * The commit is not in the remote even after a fetch: a typo, a force-push that dropped it, or a webhook for another
 * repository. Terminal: fetching again will not make it appear.
 */
export class UnknownCommitError extends Error {
  override readonly name = 'UnknownCommitError';
  readonly retryable = false;

  constructor(
    /** The remote URL with credentials masked. */
    readonly url: string,
    readonly sha: string,
    options?: { cause?: unknown },
  ) {
    super(`commit ${sha} does not exist in ${url} (fetched, still missing)`, options);
  }
}

/** Why reading from a mirror failed. */
export type GitReadFailure = 'unknown-commit' | 'not-found' | 'not-a-file' | 'invalid-path' | 'git-failed';

/** Reading a tree, a file or a diff out of a mirror failed. */
export class GitReadError extends Error {
  override readonly name = 'GitReadError';
  /** Only a failing git process may be transient; a missing path or commit stays missing. */
  readonly retryable: boolean;

  constructor(
    readonly reason: GitReadFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retryable = reason === 'git-failed';
  }
}
