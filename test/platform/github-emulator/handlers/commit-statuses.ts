import { isoNow, nodeId } from '../emulator-state.js';
import { buildRepository } from '../objects/build-repository.js';
import { bodyOf, creatorOf, paginate, repoApiUrl, repoOf } from './context-helpers.js';
import type { Handler, HandlerContext } from './handler.js';
import { resolveRef } from './resolve-ref.js';

type CommitState = 'error' | 'failure' | 'pending' | 'success';

/** POST /repos/{owner}/{repo}/statuses/{sha} */
export const createCommitStatus: Handler = (context) => {
  const repo = repoOf(context);
  const sha = String(context.params['sha']);
  const body = bodyOf(context);
  const id = context.state.nextId('status');
  const now = isoNow();
  const creator = creatorOf(context);
  const status = {
    url: `${repoApiUrl(context, repo)}/statuses/${sha}`,
    avatar_url: creator.avatar_url,
    id,
    node_id: nodeId('StatusContext', id),
    state: body['state'] as CommitState,
    description: (body['description'] as string | null | undefined) ?? null,
    target_url: (body['target_url'] as string | null | undefined) ?? null,
    // GitHub stores the context as given and compares it case-insensitively.
    context: (body['context'] as string | undefined) ?? 'default',
    created_at: now,
    updated_at: now,
    creator,
  };
  context.state.statuses.push({ repoKey: repo.key, sha, object: status });
  return { status: 201, body: status, headers: { location: status.url } };
};

/** GET /repos/{owner}/{repo}/commits/{ref}/statuses: newest first, every status ever posted. */
export const listCommitStatusesForRef: Handler = (context) => {
  const repo = repoOf(context);
  const ref = String(context.params['ref']);
  const page = paginate(
    context,
    statusesFor(context, repo.key, ref),
    `/repos/${repo.owner}/${repo.name}/commits/${ref}/statuses`,
  );
  return { status: 200, ...page };
};

/** GET /repos/{owner}/{repo}/commits/{ref}/status: the latest status per context, and their combined state. */
export const getCombinedStatusForRef: Handler = (context) => {
  const repo = repoOf(context);
  const ref = String(context.params['ref']);
  const sha = resolveRef(context, repo.key, ref);
  const latest = new Map<string, Record<string, unknown>>();
  for (const status of statusesFor(context, repo.key, ref)) {
    const key = String(status['context']).toLowerCase();
    if (!latest.has(key)) latest.set(key, status);
  }
  const statuses = [...latest.values()].map(({ creator: _creator, ...simple }) => simple);
  const api = repoApiUrl(context, repo);
  return {
    status: 200,
    body: {
      state: combinedState(statuses.map((s) => s['state'] as CommitState)),
      statuses,
      sha,
      total_count: statuses.length,
      repository: buildRepository(context.urls, repo),
      commit_url: `${api}/commits/${sha}`,
      url: `${api}/commits/${sha}/status`,
    },
  };
};

function statusesFor(context: HandlerContext, repoKey: string, ref: string): Array<Record<string, unknown>> {
  const sha = resolveRef(context, repoKey, ref);
  return context.state.statuses
    .filter((s) => s.repoKey === repoKey && s.sha.toLowerCase() === sha.toLowerCase())
    .map((s) => s.object)
    .reverse();
}

/** GitHub's rule: any error or failure fails; otherwise any pending (or no status at all) is pending. */
function combinedState(states: readonly CommitState[]): CommitState {
  if (states.some((s) => s === 'error' || s === 'failure')) return 'failure';
  if (states.length === 0 || states.includes('pending')) return 'pending';
  return 'success';
}
