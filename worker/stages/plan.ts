// The plan stage: which environments one accepted webhook delivery deploys (or previews), read from the
// environments' env.yaml files in the repository itself, at the right commit.
import type { Logger } from 'pino';
import type { DeployRequest } from '../../core/deploy/deploy-request.js';
import { DeployError } from '../../core/deploy-error.js';
import { pullRequestPayload, pushPayload } from '../../core/deploy/github-event-payloads.js';
import type { EventDecision, GitHubDelivery } from '../../core/deploy/map-github-event.js';
import { mapGitHubEvent } from '../../core/deploy/map-github-event.js';
import { Reason } from '../../core/reasons.js';
import type { FileSystem } from '../../kustomize/fs/file-system.js';
import { readEnvironments } from './read-environments.js';
import { unchangedEnvironments, type CommitDiff, type DeployedCommit } from './unchanged-environments.js';

/** A repository checkout by commit that can also list what changed between two commits (the git adapter's). */
export interface PlanSource {
  fetch(
    cloneUrl: string,
    sha: string,
    options?: { signal?: AbortSignal; ref?: string },
  ): Promise<CommitDiff & { treeAt(sha: string, options?: { signal?: AbortSignal }): Promise<FileSystem> }>;
}

export interface PlanDeps {
  readonly git: PlanSource;
  /**
   * The commit each environment runs (its newest release, when it succeeded). When given, a push does not deploy
   * the environments it cannot change (worker/stages/unchanged-environments.ts); without it, every environment
   * that follows the branch is deployed.
   */
  readonly deployed?: DeployedCommit;
}

export interface PlanContext {
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/**
 * What a delivery asks for: core's decision, with every request ready to enqueue. Preview *deployments* (a pull
 * request's own namespace) are left out for now: the deploy stage does not render into another namespace yet.
 */
export type PlanResult = Exclude<EventDecision, { kind: 'invalid' }>;

/**
 * Plans one delivery: fetches the repository at the commit whose configuration decides (the pushed commit; for a
 * pull request the base branch's tip, so a pull request cannot add environments for itself), reads every
 * `environments/<name>/env.yaml`, and lets core's mapper pick the environments; with `deps.deployed`, a push leaves
 * out the environments it cannot change.
 *
 * @throws DeployError InvalidEvent (a payload GitHub would not send) or InvalidConfig (an env.yaml is invalid;
 *   every file with problems is listed), both terminal; GitFetchFailed (retryable) from the fetch
 */
export async function planDelivery(event: GitHubDelivery, deps: PlanDeps, ctx: PlanContext): Promise<PlanResult> {
  // 1. Decide what can be decided without the repository (tags, deleted branches, other events).
  const early = mapGitHubEvent(event, []);
  if (early.kind === 'invalid') throw new DeployError(Reason.InvalidEvent, early.message);
  if (early.kind === 'ignore' && early.reason !== 'no-environment') return ignored(early, ctx.log);
  // 2. Fetch the commit whose env.yaml files decide, into the mirror cache.
  const { cloneUrl, sha, ref } = configCommit(event);
  const repo = await deps.git.fetch(cloneUrl, sha, { signal: ctx.signal, ref });
  const tree = await repo.treeAt(sha, { signal: ctx.signal });
  // 3. Read and check every environment's env.yaml.
  const environments = readEnvironments(tree).map(({ config }) => config);
  // 4. Pick the environments that follow the branch.
  const decision = mapGitHubEvent(event, environments);
  if (decision.kind === 'invalid') throw new DeployError(Reason.InvalidEvent, decision.message);
  if (decision.kind === 'ignore') return ignored(decision, ctx.log);
  if (decision.kind === 'teardown-preview') return decision;
  const kept = decision.requests.filter((request) => keep(request, ctx.log));
  // 5. Leave out the environments this push cannot change.
  const unchanged =
    deps.deployed && event.event === 'push'
      ? await unchangedEnvironments(
          environments.filter((env) => kept.some((request) => request.environment === env.name)),
          sha,
          { tree, diff: repo, deployed: deps.deployed },
          ctx.signal,
        )
      : [];
  for (const { environment, runs } of unchanged)
    ctx.log.info(
      { environment, runs },
      `${environment} is not deployed: it runs ${runs.slice(0, 7)}, and this commit changes nothing its render reads`,
    );
  const requests = kept.filter((request) => !unchanged.some((u) => u.environment === request.environment));
  ctx.log.info(
    { sha, environments: requests.map((r) => `${r.environment}:${r.mode}`) },
    `planned ${requests.length} request(s)`,
  );
  return { ...decision, requests };
}

function ignored(decision: Extract<EventDecision, { kind: 'ignore' }>, log: Logger): PlanResult {
  log.info({ reason: decision.reason }, decision.message);
  return decision;
}

function keep(request: DeployRequest, log: Logger): boolean {
  if (request.target.kind !== 'preview') return true;
  log.info(
    { environment: request.environment, namespace: request.target.namespace },
    'preview namespaces are not deployed yet; the pull request gets its dry-run diff only',
  );
  return false;
}

/**
 * The repository and commit whose configuration decides: the push's new tip, or a pull request's base tip; with
 * the ref it is on, so only that ref is fetched.
 */
function configCommit(event: GitHubDelivery): { cloneUrl: string; sha: string; ref: string } {
  const push = event.event === 'push' ? pushPayload.safeParse(event.payload) : undefined;
  if (push?.success) return { cloneUrl: push.data.repository.clone_url, sha: push.data.after, ref: push.data.ref };
  const pull = pullRequestPayload.safeParse(event.payload);
  if (pull.success) {
    const { base } = pull.data.pull_request;
    return { cloneUrl: pull.data.repository.clone_url, sha: base.sha, ref: `refs/heads/${base.ref}` };
  }
  throw new DeployError(Reason.InvalidEvent, `${event.event} payload: no commit to read the environments from`);
}
