import { isoNow, nodeId, repoKey as keyOf } from '../emulator-state.js';
import { buildIntegration } from '../objects/build-integration.js';
import { bodyOf, creatorOf, findInRepo, intParam, paginate, repoApiUrl, repoOf } from './context-helpers.js';
import type { Handler, HandlerContext } from './handler.js';

/** POST /repos/{owner}/{repo}/issues/{issue_number}/comments (a pull request is an issue here, as on GitHub). */
export const createIssueComment: Handler = (context) => {
  const repo = repoOf(context);
  const issueNumber = intParam(context, 'issue_number');
  const id = context.state.nextId('comment');
  const now = isoNow();
  const user = creatorOf(context);
  const api = repoApiUrl(context, repo);
  const isPull = context.state.pulls.has(`${repo.key}#${issueNumber}`);
  const comment = {
    id,
    node_id: nodeId('IssueComment', id),
    url: `${api}/issues/comments/${id}`,
    html_url: `${context.urls.html}/${repo.owner}/${repo.name}/${isPull ? 'pull' : 'issues'}/${issueNumber}#issuecomment-${id}`,
    body: String(bodyOf(context)['body']),
    user,
    created_at: now,
    updated_at: now,
    issue_url: `${api}/issues/${issueNumber}`,
    author_association: user.login.toLowerCase() === repo.owner.toLowerCase() ? 'OWNER' : 'NONE',
    performed_via_github_app:
      context.actor.kind === 'user'
        ? null
        : buildIntegration(context.urls, context.actor.app, context.state.userId(context.actor.app.ownerLogin)),
    reactions: {
      url: `${api}/issues/comments/${id}/reactions`,
      total_count: 0,
      '+1': 0,
      '-1': 0,
      laugh: 0,
      confused: 0,
      heart: 0,
      hooray: 0,
      eyes: 0,
      rocket: 0,
    },
  };
  context.state.comments.set(id, { repoKey: repo.key, issueNumber, object: comment });
  return { status: 201, body: comment, headers: { location: comment.url } };
};

/** PATCH /repos/{owner}/{repo}/issues/comments/{comment_id} */
export const updateIssueComment: Handler = (context) => {
  const stored = findInRepo(context, context.state.comments, intParam(context, 'comment_id'));
  const updated: Record<string, unknown> = {
    ...stored.object,
    body: String(bodyOf(context)['body']),
    updated_at: isoNow(),
  };
  context.state.comments.set(Number(updated['id']), { ...stored, object: updated });
  return { status: 200, body: updated };
};

/** GET /repos/{owner}/{repo}/issues/{issue_number}/comments: oldest first, optionally `since` a time. */
export const listIssueComments: Handler = (context) => {
  const repo = repoOf(context);
  const issueNumber = intParam(context, 'issue_number');
  const since = context.query['since'] === undefined ? undefined : Date.parse(String(context.query['since']));
  const comments = [...context.state.comments.values()]
    .filter((c) => c.repoKey === keyOf(repo.owner, repo.name) && c.issueNumber === issueNumber)
    .map((c) => c.object)
    .filter((c) => since === undefined || Date.parse(String(c['updated_at'])) >= since)
    .sort((a, b) => Number(a['id']) - Number(b['id']));
  return {
    status: 200,
    ...paginate(context, comments, `/repos/${repo.owner}/${repo.name}/issues/${issueNumber}/comments`),
  };
};

/** DELETE /repos/{owner}/{repo}/issues/comments/{comment_id} */
export const deleteIssueComment: Handler = (context: HandlerContext) => {
  const id = intParam(context, 'comment_id');
  findInRepo(context, context.state.comments, id);
  context.state.comments.delete(id);
  return { status: 204 };
};
