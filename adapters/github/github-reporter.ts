import type { Octokit } from '@octokit/rest';
import { upsertCheckRun, type CheckRunInput, type CheckRunResult } from './check-run.js';
import { setCommitStatus, statusContext, type CommitStatusInput } from './commit-status.js';
import { createOctokit, type GitHubLogger } from './create-octokit.js';
import {
  deactivateOlderDeployments,
  ensureDeployment,
  setDeploymentStatus,
  type DeploymentInput,
  type DeploymentResult,
  type DeploymentStatusInput,
} from './deployment.js';
import { GitHubApiError, toGitHubApiError } from './github-api-error.js';
import { parseGitHubConfig, type GitHubConfig, type GitHubConfigInput } from './github-config.js';
import {
  upsertPullRequestComment,
  type PullRequestCommentInput,
  type PullRequestCommentResult,
} from './pull-request-comment.js';
import { readPullRequestState, type PullRequestState } from './pull-request-state.js';
import { atCommit, type CallOptions, type RepoRef, type WriteOutcome } from './repo-ref.js';

/** Collaborators of a {@link GitHubReporter} that are not configuration. */
export interface GitHubReporterOptions {
  /** Default: silent. Receives operation names, statuses and waits; never tokens, keys or headers. */
  readonly logger?: GitHubLogger;
  /**
   * Base of the backoff for 5xx and unanswered requests (@octokit/plugin-retry waits 1, 4, 9... times it; tests
   * shorten it). Default 1,000 ms. Rate-limit waits are always what GitHub asked for.
   */
  readonly initialRetryDelayMs?: number;
}

const SILENT: GitHubLogger = { info: () => {}, warn: () => {} };

/**
 * Everything the pipeline tells GitHub: commit statuses, check runs, the pull request preview comment and
 * deployments. Every method is idempotent (it looks before it writes), so a replayed job changes nothing twice.
 * Requests are retried by Octokit's retry and throttling plugins (see create-octokit.ts).
 *
 * @throws {GitHubApiError} from every method: `terminal` for 401/403/404/422 (GitHub's message included),
 *   retryable for 5xx, 408, 409, 429 and secondary rate limits (with `retryAfterMs` when GitHub named a wait)
 */
export class GitHubReporter {
  readonly config: GitHubConfig;
  private readonly octokit: Octokit;
  private readonly logger: GitHubLogger;

  /** @throws {GitHubConfigError} when `config` is unusable, naming each field */
  constructor(config: GitHubConfigInput, options: GitHubReporterOptions = {}) {
    this.config = parseGitHubConfig(config);
    this.logger = options.logger ?? SILENT;
    this.octokit = createOctokit(this.config, this.logger, { retryBaseDelayMs: options.initialRetryDelayMs });
  }

  /** Sets the `deploy/<environment>` (pending → success / failure / error) or `drift/<environment>` commit status. */
  setCommitStatus(repo: RepoRef, input: CommitStatusInput, options: CallOptions = {}): Promise<WriteOutcome> {
    const operation = `set ${statusContext(input.environment, input.kind)}=${input.state} on ${atCommit(repo, input.sha)}`;
    return this.call(operation, options, (signal) => setCommitStatus(this.octokit, repo, input, signal));
  }

  /** Creates the check run carrying `externalId` on the commit, or updates it. */
  upsertCheckRun(repo: RepoRef, input: CheckRunInput, options: CallOptions = {}): Promise<CheckRunResult> {
    const operation = `write check run ${input.name} (${input.externalId}) on ${atCommit(repo, input.sha)}`;
    return this.call(operation, options, (signal) => upsertCheckRun(this.octokit, repo, input, signal));
  }

  /** Keeps one marked comment on the pull request up to date. */
  upsertPullRequestComment(
    repo: RepoRef,
    input: PullRequestCommentInput,
    options: CallOptions = {},
  ): Promise<PullRequestCommentResult> {
    const operation = `write the preview comment on ${repo.owner}/${repo.repo}#${input.pullNumber}`;
    return this.call(operation, options, (signal) => upsertPullRequestComment(this.octokit, repo, input, signal));
  }

  /** Finds or creates the deployment of a commit to an environment. */
  ensureDeployment(repo: RepoRef, input: DeploymentInput, options: CallOptions = {}): Promise<DeploymentResult> {
    const operation = `create deployment of ${atCommit(repo, input.sha)} to ${input.environment}`;
    return this.call(operation, options, (signal) => ensureDeployment(this.octokit, repo, input, signal));
  }

  /** Adds a deployment status (in_progress, success, failure, error, inactive...) unless it is already the latest. */
  setDeploymentStatus(
    repo: RepoRef,
    input: DeploymentStatusInput,
    options: CallOptions = {},
  ): Promise<Exclude<WriteOutcome, 'updated'>> {
    const operation = `set deployment ${input.deploymentId} of ${repo.owner}/${repo.repo} to ${input.state}`;
    return this.call(operation, options, (signal) => setDeploymentStatus(this.octokit, repo, input, signal));
  }

  /** Whether the pull request is open, closed or unknown to GitHub (a read: retried like every call, never logged as a write). */
  async pullRequestState(repo: RepoRef, pullNumber: number, options: CallOptions = {}): Promise<PullRequestState> {
    const operation = `read ${repo.owner}/${repo.repo}#${pullNumber}`;
    try {
      return await this.attempt(operation, options, (signal) => readPullRequestState(this.octokit, repo, pullNumber, signal));
    } catch (error) {
      this.logFailure(error);
      throw error;
    }
  }

  /**
   * Marks the live deployments of an environment older than `current` `inactive` (production and previews: GitHub
   * does not); all of them when `current` is omitted (a preview torn down).
   */
  deactivateOlderDeployments(
    repo: RepoRef,
    input: { readonly environment: string; readonly current?: number; readonly description: string },
    options: CallOptions = {},
  ): Promise<{ readonly outcome: 'updated' | 'unchanged'; readonly deactivated: readonly number[] }> {
    const operation = `deactivate deployments of ${repo.owner}/${repo.repo} to ${input.environment}${input.current === undefined ? '' : ` older than ${input.current}`}`;
    return this.call(operation, options, (signal) => deactivateOlderDeployments(this.octokit, repo, input, signal));
  }

  private async call<T extends WriteOutcome | { readonly outcome: WriteOutcome }>(
    operation: string,
    options: CallOptions,
    run: (signal?: AbortSignal) => Promise<T>,
  ): Promise<T> {
    let result: T;
    try {
      result = await this.attempt(operation, options, run);
    } catch (error) {
      this.logFailure(error, 'GitHub write failed: GitHub may not show it');
      throw error;
    }
    const outcome = writeOutcomeOf(result);
    this.logger.info({ operation, outcome }, WRITE_LOG[outcome]);
    return result;
  }

  /** Runs one operation (its requests retried by the Octokit plugins) and classifies what it threw. */
  private async attempt<T>(operation: string, { signal }: CallOptions, run: (signal?: AbortSignal) => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    try {
      return await run(signal);
    } catch (thrown) {
      signal?.throwIfAborted();
      throw toGitHubApiError(thrown, operation);
    }
  }

  private logFailure(error: unknown, message = 'GitHub read failed'): void {
    if (!(error instanceof GitHubApiError)) return; // an abort: the caller's own doing
    const { operation, status, code, retryable, retryAfterMs } = error;
    this.logger.warn({ operation, status, code, retryable, ...(retryAfterMs !== undefined && { retryAfterMs }) }, message);
  }
}

/** The log line of each outcome: it says whether a write reached GitHub, not only that the call returned. */
const WRITE_LOG: Readonly<Record<WriteOutcome, string>> = {
  created: 'GitHub write done: created',
  updated: 'GitHub write done: updated',
  unchanged: 'GitHub write skipped: GitHub already shows it',
};

function writeOutcomeOf(result: WriteOutcome | { readonly outcome: WriteOutcome }): WriteOutcome {
  return typeof result === 'string' ? result : result.outcome;
}
