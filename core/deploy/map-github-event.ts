import type { DeployRequest, RepoRef } from './deploy-request.js';
import { NULL_SHA } from './deploy-request.js';
import type { PullRequestPayload, PushPayload } from './github-event-payloads.js';
import { describeIssues, pullRequestPayload, pushPayload } from './github-event-payloads.js';
import type { EnvSelector } from './select-environments.js';
import { environmentsFollowing, previewEnvironments, previewNamespace } from './select-environments.js';

/** One webhook delivery as the HTTP layer received it, signature already verified. */
export interface GitHubDelivery {
  /** `X-GitHub-Event`: `push`, `pull_request`, `ping`, ... */
  readonly event: string;
  /** `X-GitHub-Delivery`. */
  readonly deliveryId: string;
  /** The parsed JSON body, not trusted until parsed here. */
  readonly payload: unknown;
  /** When it arrived, ISO 8601. */
  readonly receivedAt: string;
}

/** Why a delivery leads to nothing; each is acknowledged (2xx) and logged. */
export type IgnoreReason =
  | 'ping'
  | 'unsupported-event'
  | 'branch-deleted'
  | 'tag'
  | 'not-a-branch'
  | 'no-environment'
  | 'pull-request-action';

/** A preview namespace to remove. */
export interface PreviewTarget {
  readonly environment: string;
  readonly namespace: string;
}

/** What one delivery asks the pipeline to do. */
export type EventDecision =
  /** A push to a followed branch: deploy each environment that follows it. */
  | { readonly kind: 'deploy'; readonly requests: readonly DeployRequest[] }
  /** A pull request opened, reopened or updated: diff each environment its base deploys to, deploy previews. */
  | { readonly kind: 'preview'; readonly pullRequest: number; readonly requests: readonly DeployRequest[] }
  /** A pull request closed (merged or not): remove its previews. */
  | { readonly kind: 'teardown-preview'; readonly pullRequest: number; readonly previews: readonly PreviewTarget[] }
  | { readonly kind: 'ignore'; readonly reason: IgnoreReason; readonly message: string }
  /** The payload is not what GitHub sends for this event: answer 400. */
  | { readonly kind: 'invalid'; readonly message: string };

const PREVIEW_ACTIONS: ReadonlySet<string> = new Set(['opened', 'synchronize', 'reopened']);
const BRANCH_PREFIX = 'refs/heads/';

/**
 * Decides what a GitHub webhook delivery means for the pipeline.
 *
 * @param environments every environment of the repository (their `env.yaml`), to find which follow the branch
 */
export function mapGitHubEvent(delivery: GitHubDelivery, environments: readonly EnvSelector[]): EventDecision {
  switch (delivery.event) {
    case 'ping':
      return ignore('ping', 'ping: the webhook is set up; nothing to deploy');
    case 'push': {
      const parsed = pushPayload.safeParse(delivery.payload);
      if (!parsed.success) return { kind: 'invalid', message: `push payload: ${describeIssues(parsed.error)}` };
      return mapPush(delivery, parsed.data, environments);
    }
    case 'pull_request': {
      const parsed = pullRequestPayload.safeParse(delivery.payload);
      if (!parsed.success) return { kind: 'invalid', message: `pull_request payload: ${describeIssues(parsed.error)}` };
      return mapPullRequest(delivery, parsed.data, environments);
    }
    default:
      return ignore('unsupported-event', `${delivery.event} events deploy nothing; only push and pull_request do`);
  }
}

function mapPush(delivery: GitHubDelivery, push: PushPayload, environments: readonly EnvSelector[]): EventDecision {
  if (push.ref.startsWith('refs/tags/')) return ignore('tag', `push to tag ${push.ref.slice('refs/tags/'.length)}: tags deploy nothing`);
  if (!push.ref.startsWith(BRANCH_PREFIX)) return ignore('not-a-branch', `push to ${push.ref}: only branches deploy`);
  const branch = push.ref.slice(BRANCH_PREFIX.length);
  if (push.deleted === true || push.after === NULL_SHA) return ignore('branch-deleted', `push deleted branch ${branch}: nothing to deploy`);
  const following = environmentsFollowing(branch, environments);
  if (following.length === 0) return ignore('no-environment', `no environment follows branch ${branch} (${describeFollowed(environments)})`);
  const repo = repoOf(push.repository);
  const requests = following.map(
    (env): DeployRequest => ({
      deliveryId: delivery.deliveryId,
      repo,
      ref: push.ref,
      sha: push.after,
      before: push.before,
      trigger: { kind: 'push' },
      environment: env.name,
      mode: 'apply',
      target: { kind: 'environment' },
      requestedAt: delivery.receivedAt,
    }),
  );
  return { kind: 'deploy', requests };
}

function mapPullRequest(delivery: GitHubDelivery, event: PullRequestPayload, environments: readonly EnvSelector[]): EventDecision {
  const { number, action } = event;
  const baseRef = event.pull_request.base.ref;
  if (action === 'closed') {
    const previews = previewEnvironments(baseRef, environments).map((env) => ({ environment: env.name, namespace: previewNamespace(env, number) }));
    if (previews.length === 0) return ignore('no-environment', `pull request #${number} closed; no environment following ${baseRef} has previews`);
    return { kind: 'teardown-preview', pullRequest: number, previews };
  }
  // A maintainer labelling a fork's pull request is what lets it have a preview: that label event deploys it.
  const added = action === 'labeled' ? event.label?.name : undefined;
  const trustedByLabel =
    added !== undefined && previewEnvironments(baseRef, environments).some((env) => env.preview.forkLabel === added);
  if (!PREVIEW_ACTIONS.has(action) && !trustedByLabel) return ignore('pull-request-action', `pull request #${number} ${action}: only opened, synchronize, reopened, closed and a preview's fork label matter`);
  const following = environmentsFollowing(baseRef, environments);
  if (following.length === 0) return ignore('no-environment', `pull request #${number} targets ${baseRef}, which no environment follows (${describeFollowed(environments)})`);
  return { kind: 'preview', pullRequest: number, requests: previewRequests(delivery, event, following) };
}

/** A dry-run diff for every environment the base branch deploys to, plus a preview deployment where enabled. */
function previewRequests(delivery: GitHubDelivery, event: PullRequestPayload, following: readonly EnvSelector[]): DeployRequest[] {
  const { head, base } = event.pull_request;
  // A deleted fork (repo null) counts as a fork: its code is no more trusted for being orphaned.
  const fromFork = head.repo?.full_name !== event.repository.full_name;
  const labels = new Set(event.pull_request.labels.map((label) => label.name));
  const action = event.action;
  const common = {
    deliveryId: delivery.deliveryId,
    repo: repoOf(event.repository),
    ref: `refs/pull/${event.number}/head`,
    sha: head.sha,
    before: base.sha,
    trigger: { kind: 'pull_request', number: event.number, headSha: head.sha, baseRef: base.ref, headRef: head.ref, fromFork },
    requestedAt: delivery.receivedAt,
  } as const;
  return following.flatMap((env): DeployRequest[] => {
    const diff: DeployRequest = { ...common, environment: env.name, mode: 'dry-run', target: { kind: 'environment' } };
    if (!env.preview.enabled) return [diff];
    // A fork's code would run with the cluster's access: only a maintainer's label (env.yaml preview.forkLabel) trusts it.
    const forkLabel = env.preview.forkLabel;
    if (fromFork && (forkLabel === undefined || !labels.has(forkLabel)))
      return [{ ...diff, previewWithheld: { reason: 'fork', ...(forkLabel !== undefined && { forkLabel }) } }];
    if (action === 'labeled' && (forkLabel === undefined || forkLabel !== event.label?.name)) return [diff];
    return [diff, { ...common, environment: env.name, mode: 'apply', target: { kind: 'preview', namespace: previewNamespace(env, event.number) } }];
  });
}

function repoOf(repository: { full_name: string; clone_url: string }): RepoRef {
  const [owner = '', name = ''] = repository.full_name.split('/');
  return { owner, name, cloneUrl: repository.clone_url };
}

/** `main → dev, staging; release → production`: what the user might have meant to push to. */
function describeFollowed(environments: readonly EnvSelector[]): string {
  if (environments.length === 0) return 'no environments are configured';
  const byBranch = new Map<string, string[]>();
  for (const env of environments) byBranch.set(env.branch, [...(byBranch.get(env.branch) ?? []), env.name]);
  const parts = [...byBranch].sort(([a], [b]) => (a < b ? -1 : 1)).map(([branch, names]) => `${branch} → ${names.sort().join(', ')}`);
  return `followed: ${parts.join('; ')}`;
}

function ignore(reason: IgnoreReason, message: string): EventDecision {
  return { kind: 'ignore', reason, message };
}
