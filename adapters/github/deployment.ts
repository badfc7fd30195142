import type { Octokit } from '@octokit/rest';
import { GitHubApiError } from './github-api-error.js';
import type { RepoRef, WriteOutcome } from './repo-ref.js';
import { LIMITS, truncate } from './text-limits.js';

/** A deployment of one commit to one environment. */
export interface DeploymentInput {
  readonly sha: string;
  readonly environment: string;
  /**
   * Tells deployments of the same commit to the same environment apart (kept in the deployment's payload).
   * Default `<environment>:<sha>`: replays find the same deployment. Pass a release number to record a redeploy
   * of a commit (a rollback to it) as a deployment of its own.
   */
  readonly key?: string;
  readonly description?: string;
  /** Default: GitHub's (true only for an environment named `production`). */
  readonly production?: boolean;
  /** A pull request preview that will be torn down. Default false. */
  readonly transient?: boolean;
}

/** The deployment and whether this call created it. */
export interface DeploymentResult {
  readonly id: number;
  readonly outcome: Exclude<WriteOutcome, 'updated'>;
}

/** The states of a deployment status. */
export type DeploymentState = 'queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

/** A new status for a deployment. */
export interface DeploymentStatusInput {
  readonly deploymentId: number;
  readonly state: DeploymentState;
  /** The running environment's URL, shown by GitHub as "View deployment". */
  readonly environmentUrl?: string;
  /** Where to read how it went. */
  readonly logUrl?: string;
  /** Cut to GitHub's 140 characters. */
  readonly description?: string;
}

/**
 * Finds the deployment of `sha` to `environment` carrying `key`, or creates it. It is created with
 * `auto_merge: false` (GitHub must never merge the default branch into the ref: the commit is what was pushed) and
 * `required_contexts: []` (the pipeline reports its own statuses; waiting for them would deadlock).
 */
export async function ensureDeployment(
  octokit: Octokit,
  repo: RepoRef,
  input: DeploymentInput,
  signal?: AbortSignal,
): Promise<DeploymentResult> {
  const key = input.key ?? `${input.environment}:${input.sha}`;
  const existing = await octokit.paginate(octokit.repos.listDeployments, {
    ...repo,
    sha: input.sha,
    environment: input.environment,
    per_page: 100,
    request: { signal },
  });
  const found = existing.find((deployment) => keyOf(deployment.payload) === key);
  if (found !== undefined) return { id: found.id, outcome: 'unchanged' };
  const { data, status } = await octokit.repos.createDeployment({
    ...repo,
    ref: input.sha,
    environment: input.environment,
    auto_merge: false,
    required_contexts: [],
    payload: { gantry_key: key },
    description: input.description === undefined ? undefined : truncate(input.description, LIMITS.statusDescription),
    production_environment: input.production,
    transient_environment: input.transient ?? false,
    // Not repeated on a 5xx: the deployment may exist all the same; the job's retry finds it by its key.
    request: { signal, retries: 0 },
  });
  // 202 means GitHub merged (or tried to merge) instead of deploying, which auto_merge: false rules out.
  if (status !== 201 || !('id' in data)) {
    throw new GitHubApiError('invalid', `create deployment ${key}`, `answered ${status} without a deployment: ${JSON.stringify(data)}`, { status });
  }
  return { id: data.id, outcome: 'created' };
}

/** Adds a status to a deployment unless its latest status already says the same. */
export async function setDeploymentStatus(
  octokit: Octokit,
  repo: RepoRef,
  input: DeploymentStatusInput,
  signal?: AbortSignal,
): Promise<Exclude<WriteOutcome, 'updated'>> {
  const description = input.description === undefined ? '' : truncate(input.description, LIMITS.statusDescription);
  const { data: statuses } = await octokit.repos.listDeploymentStatuses({
    ...repo,
    deployment_id: input.deploymentId,
    per_page: 1,
    request: { signal },
  });
  const latest = statuses[0];
  if (
    latest?.state === input.state &&
    latest.description === description &&
    (latest.environment_url ?? '') === (input.environmentUrl ?? '') &&
    (latest.log_url ?? '') === (input.logUrl ?? '')
  ) {
    return 'unchanged';
  }
  await octokit.repos.createDeploymentStatus({
    ...repo,
    deployment_id: input.deploymentId,
    state: input.state,
    description,
    environment_url: input.environmentUrl,
    log_url: input.logUrl,
    request: { signal },
  });
  return 'created';
}

/**
 * Marks the older deployments of `environment` that are still live `inactive`, the way GitHub's `auto_inactive`
 * does on a `success` status. GitHub does that only for non-transient, non-production environments; production and
 * previews need it said. Only the newest page (100) is read: anything older was deactivated by an earlier success.
 */
export async function deactivateOlderDeployments(
  octokit: Octokit,
  repo: RepoRef,
  input: { readonly environment: string; readonly current?: number; readonly description: string },
  signal?: AbortSignal,
): Promise<{ readonly outcome: 'updated' | 'unchanged'; readonly deactivated: readonly number[] }> {
  const { data: deployments } = await octokit.repos.listDeployments({
    ...repo,
    environment: input.environment,
    per_page: 100,
    request: { signal },
  });
  const deactivated: number[] = [];
  for (const deployment of deployments) {
    if (input.current !== undefined && deployment.id >= input.current) continue;
    const { data: statuses } = await octokit.repos.listDeploymentStatuses({
      ...repo,
      deployment_id: deployment.id,
      per_page: 1,
      request: { signal },
    });
    const latest = statuses[0]?.state;
    if (latest === undefined || latest === 'inactive') continue;
    await octokit.repos.createDeploymentStatus({
      ...repo,
      deployment_id: deployment.id,
      state: 'inactive',
      description: truncate(input.description, LIMITS.statusDescription),
      request: { signal },
    });
    deactivated.push(deployment.id);
  }
  return { outcome: deactivated.length > 0 ? 'updated' : 'unchanged', deactivated };
}

function keyOf(payload: unknown): string | undefined {
  const parsed: unknown = typeof payload === 'string' ? safeJson(payload) : payload;
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const key = (parsed as { gantry_key?: unknown }).gantry_key;
  return typeof key === 'string' ? key : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
