/**
 * Errors of the git adapter. Like the cluster adapter's, each is a {@link DeployError}: `reason` is the pipeline-wide
 * Reason (which decides `terminal`), `code` the finer distinction the adapter saw. Messages never contain
 * credentials (see mask-credentials.ts).
 */
import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';

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

const FETCH_REASON: Readonly<Record<GitFetchFailure, Reason>> = {
  unreachable: Reason.GitFetchFailed,
  'lock-timeout': Reason.GitFetchFailed,
  auth: Reason.Forbidden,
  'no-repository': Reason.NotFound,
};

/** Fetching `url` (credentials masked) into its mirror failed after the adapter's own retries. */
export class GitFetchError extends DeployError {
  override readonly name = 'GitFetchError';

  constructor(
    readonly code: GitFetchFailure,
    /** The remote URL with credentials masked. */
    readonly url: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(FETCH_REASON[code], `git fetch ${url} failed (${code}): ${detail}`, options);
  }

  /** True when a later attempt may succeed (the opposite of `terminal`). */
  get retryable(): boolean {
    return !this.terminal;
  }
}

/**
 * The commit is not in the remote even after a fetch: a typo, a force-push that dropped it, or a webhook for another
 * repository. Terminal: fetching again will not make it appear.
 */
export class UnknownCommitError extends DeployError {
  override readonly name = 'UnknownCommitError';

  constructor(
    /** The remote URL with credentials masked. */
    readonly url: string,
    readonly sha: string,
    options?: { cause?: unknown },
  ) {
    super(Reason.NotFound, `commit ${sha} does not exist in ${url} (fetched, still missing)`, options);
  }

  get retryable(): boolean {
    return !this.terminal;
  }
}

/** Why reading from a mirror failed. */
export type GitReadFailure = 'unknown-commit' | 'not-found' | 'not-a-file' | 'invalid-path' | 'git-failed';

/** Reading a tree, a file or a diff out of a mirror failed. Only a failing git process (`git-failed`) is retryable. */
export class GitReadError extends DeployError {
  override readonly name = 'GitReadError';

  constructor(
    readonly code: GitReadFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code === 'git-failed' ? Reason.GitFetchFailed : Reason.NotFound, message, options);
  }

  get retryable(): boolean {
    return !this.terminal;
  }
}
