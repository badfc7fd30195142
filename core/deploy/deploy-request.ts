/** The repository a request deploys from. */
export interface RepoRef {
  /** Owner login (`octo-org`). */
  readonly owner: string;
  /** Repository name (`shop`). */
  readonly name: string;
  /** What `git fetch` uses; for a pull request from a fork still the base repository (see {@link PullRequestTrigger}). */
  readonly cloneUrl: string;
}

/** A push to a branch. */
export interface PushTrigger {
  readonly kind: 'push';
}

/**
 * A pull request opened, reopened or updated. The head commit is fetched through the base repository's
 * `refs/pull/<number>/head`, which GitHub keeps for forks too, so a fork's clone URL is never needed.
 */
export interface PullRequestTrigger {
  readonly kind: 'pull_request';
  readonly number: number;
  /** The commit at the tip of the pull request: the one rendered and reported on. */
  readonly headSha: string;
  /** The branch it would merge into: its environments are the ones previewed. */
  readonly baseRef: string;
  /** The pull request's branch, for messages. */
  readonly headRef: string;
  /** True when the head branch lives in another repository. Forks are diffed, never deployed (their code is untrusted). */
  readonly fromFork: boolean;
}

export type Trigger = PushTrigger | PullRequestTrigger;

/**
 * What to do with the rendered environment. `apply`: deploy it. `dry-run`: validate and diff against the
 * cluster, change nothing (a pull request's "what would change" check).
 */
export type DeployMode = 'apply' | 'dry-run';

/**
 * Where the objects go. `environment`: the environment's own namespace. `preview`: a pull request's own namespace,
 * removed when the pull request closes.
 */
export type DeployTarget = { readonly kind: 'environment' } | { readonly kind: 'preview'; readonly namespace: string };

/**
 * One environment to bring to one commit: what the webhook enqueues and every later stage carries. Plain data,
 * safe to serialize into a queue payload.
 */
export interface DeployRequest {
  /** GitHub's `X-GitHub-Delivery`: ties every log line, job and report back to the webhook that caused it. */
  readonly deliveryId: string;
  readonly repo: RepoRef;
  /** The full ref fetched: `refs/heads/main`, or `refs/pull/12/head` for a pull request. */
  readonly ref: string;
  /** The commit to render (40 hex digits). */
  readonly sha: string;
  /**
   * The commit to compare with when deciding which apps changed: the branch's previous tip for a push (all zeros
   * when the push created the branch), the base branch's tip for a pull request. That tip is also the commit whose
   * env.yaml the plan read, and the one a preview takes its configuration from (core/deploy/preview.ts
   * `policyCommit`).
   */
  readonly before: string;
  readonly trigger: Trigger;
  /** The environment's name (`staging`). */
  readonly environment: string;
  readonly mode: DeployMode;
  readonly target: DeployTarget;
  /** When the webhook received the event, ISO 8601: orders requests, measures latency. */
  readonly requestedAt: string;
  /**
   * On a pull request's dry run: the environment has previews, but this pull request gets none because it comes
   * from a fork without the environment's `preview.forkLabel` (absent when env.yaml names no label). The pull
   * request comment says why.
   */
  readonly previewWithheld?: { readonly reason: 'fork'; readonly forkLabel?: string };
}

/** The all-zero object name GitHub sends for "no commit" (a created or deleted branch). */
export const NULL_SHA = '0000000000000000000000000000000000000000';
