import { isoNow, nodeId } from '../emulator-state.js';
import { invalidRequest } from '../github-error.js';
import { buildIntegration, DEFAULT_APP } from '../objects/build-integration.js';
import { bodyOf, findInRepo, intParam, paginate, repoApiUrl, repoOf } from './context-helpers.js';
import type { Handler, HandlerContext } from './handler.js';
import { resolveRef } from './resolve-ref.js';

type CheckRun = Record<string, unknown> & { id: number; name: string; head_sha: string; app: { id: number } };

/** POST /repos/{owner}/{repo}/check-runs */
export const createCheckRun: Handler = (context) => {
  const repo = repoOf(context);
  const body = bodyOf(context);
  const id = context.state.nextId('check-run');
  const now = isoNow();
  const app = context.actor.kind === 'user' ? DEFAULT_APP : context.actor.app;
  const headSha = String(body['head_sha']);
  const run: CheckRun = {
    id,
    name: String(body['name']),
    node_id: nodeId('CheckRun', id),
    head_sha: headSha,
    external_id: '',
    url: `${repoApiUrl(context, repo)}/check-runs/${id}`,
    html_url: `${context.urls.html}/${repo.owner}/${repo.name}/runs/${id}`,
    details_url: null,
    status: 'queued',
    conclusion: null,
    started_at: now,
    completed_at: null,
    output: {
      title: null,
      summary: null,
      text: null,
      annotations_count: 0,
      annotations_url: `${repoApiUrl(context, repo)}/check-runs/${id}/annotations`,
    },
    check_suite: { id: checkSuiteId(context, repo.key, headSha, app.appId) },
    app: buildIntegration(context.urls, app, context.state.userId(app.ownerLogin)),
    pull_requests: [],
  };
  const created = applyChanges(context, run, body);
  context.state.checkRuns.set(id, { repoKey: repo.key, object: created });
  return { status: 201, body: withPullRequests(context, repo.key, created) };
};

/** PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}: fields given replace, annotations accumulate. */
export const updateCheckRun: Handler = (context) => {
  const stored = findInRepo(context, context.state.checkRuns, intParam(context, 'check_run_id'));
  const updated = applyChanges(context, stored.object as CheckRun, bodyOf(context));
  context.state.checkRuns.set(updated.id, { repoKey: stored.repoKey, object: updated });
  return { status: 200, body: withPullRequests(context, stored.repoKey, updated) };
};

/** GET /repos/{owner}/{repo}/check-runs/{check_run_id} */
export const getCheckRun: Handler = (context) => {
  const stored = findInRepo(context, context.state.checkRuns, intParam(context, 'check_run_id'));
  return { status: 200, body: withPullRequests(context, stored.repoKey, stored.object as CheckRun) };
};

/** GET /repos/{owner}/{repo}/commits/{ref}/check-runs: by `check_name`, `status`, `app_id`; `filter=latest` by default. */
export const listCheckRunsForRef: Handler = (context) => {
  const repo = repoOf(context);
  const ref = String(context.params['ref']);
  const sha = resolveRef(context, repo.key, ref);
  const { check_name: name, status, app_id: appId, filter } = context.query;
  let runs = [...context.state.checkRuns.values()]
    .filter((stored) => stored.repoKey === repo.key)
    .map((stored) => stored.object as CheckRun)
    .filter((run) => run.head_sha.toLowerCase() === sha.toLowerCase())
    .filter((run) => name === undefined || run.name === name)
    .filter((run) => status === undefined || run['status'] === status)
    .filter((run) => appId === undefined || run.app.id === Number(appId))
    .sort((a, b) => b.id - a.id);
  if (filter !== 'all') {
    // "latest": the most recent run of each name (per app), as GitHub does after a re-run.
    const seen = new Set<string>();
    runs = runs.filter((run) => {
      const key = `${run.app.id}\u0000${run.name}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  const page = paginate(context, runs, `/repos/${repo.owner}/${repo.name}/commits/${ref}/check-runs`);
  return {
    status: 200,
    headers: page.headers,
    body: { total_count: runs.length, check_runs: page.body.map((run) => withPullRequests(context, repo.key, run)) },
  };
};

/**
 * A run with a create or update body applied, enforcing what GitHub enforces beyond the schema. Works on a copy,
 * so a rejected update leaves the stored run as it was.
 */
function applyChanges(context: HandlerContext, current: CheckRun, body: Record<string, unknown>): CheckRun {
  const run = structuredClone(current);
  const documentation = context.operation.documentationUrl;
  if (body['conclusion'] === 'stale') {
    // The request schema lists it, but GitHub's docs say only GitHub may set it.
    throw invalidRequest([`For 'properties/conclusion', "stale" can only be set by GitHub.`], documentation);
  }
  for (const field of ['name', 'details_url', 'external_id', 'started_at', 'status', 'completed_at'] as const) {
    if (body[field] !== undefined) (run as Record<string, unknown>)[field] = body[field];
  }
  if (body['conclusion'] !== undefined) {
    // Providing a conclusion completes the run (GitHub's documented behaviour).
    run['conclusion'] = body['conclusion'];
    run['status'] = 'completed';
    if (body['completed_at'] === undefined && run['completed_at'] === null) run['completed_at'] = isoNow();
  }
  if (run['status'] === 'completed' && run['conclusion'] === null) {
    throw invalidRequest([`"conclusion" wasn't supplied.`], documentation);
  }
  if (run['status'] !== 'completed' && body['status'] !== undefined) {
    run['conclusion'] = null;
    run['completed_at'] = null;
  }
  const output = body['output'] as Record<string, unknown> | undefined;
  if (output !== undefined) {
    const shown = run['output'] as Record<string, unknown>;
    for (const field of ['title', 'summary', 'text'] as const) {
      if (output[field] !== undefined) shown[field] = output[field];
    }
    const annotations = output['annotations'];
    if (Array.isArray(annotations))
      shown['annotations_count'] = Number(shown['annotations_count']) + annotations.length;
  }
  return run;
}

/** GitHub groups runs into one suite per commit and App. */
function checkSuiteId(context: HandlerContext, repoKey: string, headSha: string, appId: string): number {
  for (const stored of context.state.checkRuns.values()) {
    const run = stored.object as CheckRun;
    if (stored.repoKey === repoKey && run.head_sha === headSha && String(run.app.id) === appId) {
      return (run['check_suite'] as { id: number }).id;
    }
  }
  return context.state.nextId('check-suite');
}

/** The open seeded pull requests whose head is the run's commit, as GitHub lists them on a check run. */
function withPullRequests(context: HandlerContext, repoKey: string, run: CheckRun): CheckRun {
  const pulls = [...context.state.pulls.values()].filter(
    (pull) => pull.repoKey === repoKey && pull.state === 'open' && pull.head.sha === run.head_sha,
  );
  const repo = context.state.repos.get(repoKey);
  if (repo === undefined) return run;
  const api = repoApiUrl(context, repo);
  const repoRef = { id: repo.id, url: api, name: repo.name };
  return {
    ...run,
    pull_requests: pulls.map((pull) => ({
      id: pull.id,
      number: pull.number,
      url: `${api}/pulls/${pull.number}`,
      head: { ref: pull.head.ref, sha: pull.head.sha, repo: repoRef },
      base: { ref: pull.base.ref, sha: pull.base.sha, repo: repoRef },
    })),
  };
}
