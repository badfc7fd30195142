import { nodeId, type PullRecord, type RepoRecord } from '../emulator-state.js';
import { buildRepository } from './build-repository.js';
import { buildSimpleUser } from './build-user.js';
import type { EmulatorUrls } from './emulator-urls.js';

/** A seeded pull request as GitHub's `pull-request` schema describes it (head and base in the same repository). */
export function buildPullRequest(
  urls: EmulatorUrls,
  repo: RepoRecord,
  pull: PullRecord,
  userId: (login: string) => number,
) {
  const api = `${urls.api}/repos/${repo.owner}/${repo.name}`;
  const html = `${urls.html}/${repo.owner}/${repo.name}/pull/${pull.number}`;
  const author = buildSimpleUser(urls, pull.author, userId(pull.author));
  const repository = buildRepository(urls, repo);
  const owner = buildSimpleUser(urls, repo.owner, repo.ownerId);
  const side = (branch: { ref: string; sha: string }) => ({
    label: `${repo.owner}:${branch.ref}`,
    ref: branch.ref,
    sha: branch.sha,
    user: owner,
    repo: repository,
  });
  const link = (href: string) => ({ href });
  const closedAt = pull.state === 'closed' ? pull.updatedAt : null;
  return {
    url: `${api}/pulls/${pull.number}`,
    id: pull.id,
    node_id: nodeId('PullRequest', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    commits_url: `${api}/pulls/${pull.number}/commits`,
    review_comments_url: `${api}/pulls/${pull.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${pull.head.sha}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: author,
    body: pull.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: closedAt,
    merged_at: pull.merged ? pull.updatedAt : null,
    // Without git history there is no real merge commit; GitHub reports null until it has computed one.
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(pull.head),
    base: side(pull.base),
    _links: {
      self: link(`${api}/pulls/${pull.number}`),
      html: link(html),
      issue: link(`${api}/issues/${pull.number}`),
      comments: link(`${api}/issues/${pull.number}/comments`),
      review_comments: link(`${api}/pulls/${pull.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${pull.number}/commits`),
      statuses: link(`${api}/statuses/${pull.head.sha}`),
    },
    author_association: pull.author.toLowerCase() === repo.owner.toLowerCase() ? 'OWNER' : 'CONTRIBUTOR',
    auto_merge: null,
    draft: pull.draft,
    merged: pull.merged,
    mergeable: pull.state === 'open' ? true : null,
    rebaseable: pull.state === 'open' ? true : null,
    mergeable_state: pull.state === 'open' ? 'clean' : 'unknown',
    merged_by: pull.merged ? owner : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}
