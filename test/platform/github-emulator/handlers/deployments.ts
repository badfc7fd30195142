import { isoNow, nodeId } from '../emulator-state.js';
import { GitHubError } from '../github-error.js';
import { buildIntegration } from '../objects/build-integration.js';
import { bodyOf, creatorOf, findInRepo, intParam, paginate, repoApiUrl, repoOf } from './context-helpers.js';
import type { Handler, HandlerContext } from './handler.js';
import { deliverDeploymentStatus } from './repo-hooks.js';
import { resolveRef } from './resolve-ref.js';

type Deployment = Record<string, unknown> & { id: number; environment: string };
type DeploymentStatus = Record<string, unknown> & { id: number; state: string };

/**
 * POST /repos/{owner}/{repo}/deployments. Like GitHub: the ref must resolve to a commit, and unless
 * `required_contexts` says otherwise every commit-status context on it must be `success` (else 409).
 * `auto_merge` is accepted but never merges: the emulator has no git history.
 */
export const createDeployment: Handler = (context) => {
  const repo = repoOf(context);
  const body = bodyOf(context);
  const ref = String(body['ref']);
  const sha = resolveRef(context, repo.key, ref);
  if (!/^[0-9a-f]{40}$/i.test(sha)) {
    throw new GitHubError(422, `No ref found for: ${ref}`, { documentationUrl: context.operation.documentationUrl });
  }
  checkRequiredContexts(context, repo.key, ref, sha, body['required_contexts'] as string[] | undefined);

  const id = context.state.nextId('deployment');
  const now = isoNow();
  const api = repoApiUrl(context, repo);
  const environment = (body['environment'] as string | undefined) ?? 'production';
  const deployment: Deployment = {
    url: `${api}/deployments/${id}`,
    id,
    node_id: nodeId('Deployment', id),
    sha: sha.toLowerCase(),
    ref,
    task: (body['task'] as string | undefined) ?? 'deploy',
    payload: body['payload'] ?? {},
    original_environment: environment,
    environment,
    description: (body['description'] as string | null | undefined) ?? '',
    creator: creatorOf(context),
    created_at: now,
    updated_at: now,
    statuses_url: `${api}/deployments/${id}/statuses`,
    repository_url: api,
    transient_environment: (body['transient_environment'] as boolean | undefined) ?? false,
    production_environment: (body['production_environment'] as boolean | undefined) ?? environment === 'production',
    performed_via_github_app: appOf(context),
  };
  context.state.deployments.set(id, { repoKey: repo.key, object: deployment });
  context.state.deploymentStatuses.set(id, []);
  return { status: 201, body: deployment };
};

/** GET /repos/{owner}/{repo}/deployments: newest first, filtered by `sha`, `ref`, `task`, `environment`. */
export const listDeployments: Handler = (context) => {
  const repo = repoOf(context);
  // The description defaults every filter to the literal "none", GitHub's word for "do not filter".
  const filter = (name: string): unknown => (context.query[name] === 'none' ? undefined : context.query[name]);
  const [sha, ref, task, environment] = ['sha', 'ref', 'task', 'environment'].map(filter);
  const deployments = [...context.state.deployments.values()]
    .filter((d) => d.repoKey === repo.key)
    .map((d) => d.object as Deployment)
    .filter((d) => sha === undefined || d['sha'] === String(sha).toLowerCase())
    .filter((d) => ref === undefined || d['ref'] === ref)
    .filter((d) => task === undefined || d['task'] === task)
    .filter((d) => environment === undefined || environment === null || d.environment === environment)
    .sort((a, b) => b.id - a.id);
  return { status: 200, ...paginate(context, deployments, `/repos/${repo.owner}/${repo.name}/deployments`) };
};

/**
 * POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses. A `success` also marks earlier successful
 * deployments to the same non-transient, non-production environment `inactive` unless `auto_inactive` is false,
 * as GitHub documents.
 */
export const createDeploymentStatus: Handler = (context) => {
  const deploymentId = intParam(context, 'deployment_id');
  const stored = findInRepo(context, context.state.deployments, deploymentId);
  const deployment = stored.object as Deployment;
  const body = bodyOf(context);
  const state = String(body['state']);
  if (typeof body['environment'] === 'string') deployment.environment = body['environment'];
  const status = buildStatus(context, deployment, state, body);
  context.state.deploymentStatuses.get(deploymentId)?.unshift(status);
  deployment['updated_at'] = status['created_at'];

  if (state === 'success' && body['auto_inactive'] !== false) deactivateOlder(context, stored.repoKey, deployment);
  deliverDeploymentStatus(context, stored.repoKey, deployment, status);
  return { status: 201, body: status, headers: { location: String(status['url']) } };
};

/** GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses: newest first. */
export const listDeploymentStatuses: Handler = (context) => {
  const deploymentId = intParam(context, 'deployment_id');
  findInRepo(context, context.state.deployments, deploymentId);
  const repo = repoOf(context);
  const statuses = context.state.deploymentStatuses.get(deploymentId) ?? [];
  return {
    status: 200,
    ...paginate(context, statuses, `/repos/${repo.owner}/${repo.name}/deployments/${deploymentId}/statuses`),
  };
};

function buildStatus(
  context: HandlerContext,
  deployment: Deployment,
  state: string,
  body: Record<string, unknown>,
): DeploymentStatus {
  const id = context.state.nextId('deployment-status');
  const now = isoNow();
  // `log_url` replaced `target_url`; GitHub reports whichever was given under both names. The description
  // requires `target_url` to be a URI, so without either it points at the repository's deployments page.
  const logUrl = (body['log_url'] as string | undefined) ?? (body['target_url'] as string | undefined);
  const environmentUrl = body['environment_url'] as string | undefined;
  const deploymentsPage =
    String(deployment['repository_url']).replace(context.urls.api + '/repos', context.urls.html) + '/deployments';
  return {
    url: `${String(deployment['url'])}/statuses/${id}`,
    id,
    node_id: nodeId('DeploymentStatus', id),
    state,
    creator: creatorOf(context),
    description: (body['description'] as string | undefined) ?? '',
    environment: deployment.environment,
    target_url: logUrl ?? deploymentsPage,
    ...(logUrl === undefined ? {} : { log_url: logUrl }),
    ...(environmentUrl === undefined ? {} : { environment_url: environmentUrl }),
    created_at: now,
    updated_at: now,
    deployment_url: String(deployment['url']),
    repository_url: String(deployment['repository_url']),
    performed_via_github_app: appOf(context),
  };
}

function deactivateOlder(context: HandlerContext, repoKey: string, current: Deployment): void {
  for (const stored of context.state.deployments.values()) {
    const other = stored.object as Deployment;
    if (stored.repoKey !== repoKey || other.id === current.id || other.environment !== current.environment) continue;
    if (other['transient_environment'] === true || other['production_environment'] === true) continue;
    const statuses = context.state.deploymentStatuses.get(other.id) ?? [];
    if (statuses[0]?.['state'] !== 'success') continue;
    statuses.unshift(buildStatus(context, other, 'inactive', { description: 'superseded' }));
  }
}

function checkRequiredContexts(
  context: HandlerContext,
  repoKey: string,
  ref: string,
  sha: string,
  required: string[] | undefined,
): void {
  const latest = new Map<string, string>();
  for (const stored of [...context.state.statuses].reverse()) {
    if (stored.repoKey !== repoKey || stored.sha.toLowerCase() !== sha.toLowerCase()) continue;
    const name = String(stored.object['context']);
    if (!latest.has(name)) latest.set(name, String(stored.object['state']));
  }
  const contexts = required ?? [...latest.keys()];
  const failing = contexts.filter((name) => latest.get(name) !== 'success');
  if (failing.length === 0) return;
  throw new GitHubError(409, `Conflict: Commit status checks failed for ${ref}.`, {
    documentationUrl: context.operation.documentationUrl,
    errors: [
      {
        resource: 'Deployment',
        field: 'required_contexts',
        code: 'invalid',
        message: failing.map((name) => `${name}: ${latest.get(name) ?? 'missing'}`).join(', '),
      },
    ],
  });
}

function appOf(context: HandlerContext) {
  const { actor } = context;
  return actor.kind === 'user'
    ? null
    : buildIntegration(context.urls, actor.app, context.state.userId(actor.app.ownerLogin));
}
