import { notFound } from '../github-error.js';
import { buildPullRequest } from '../objects/build-pull-request.js';
import { buildRepository } from '../objects/build-repository.js';
import { intParam, repoOf } from './context-helpers.js';
import type { Handler } from './handler.js';

/** GET /repos/{owner}/{repo}/pulls/{pull_number}: only pull requests seeded through the admin API exist. */
export const getPull: Handler = (context) => {
  const repo = repoOf(context);
  const pull = context.state.pulls.get(`${repo.key}#${intParam(context, 'pull_number')}`);
  if (pull === undefined) throw notFound(context.operation.documentationUrl);
  return { status: 200, body: buildPullRequest(context.urls, repo, pull, (login) => context.state.userId(login)) };
};

/** GET /repos/{owner}/{repo}: every repository exists, with default branch `main` unless seeded otherwise. */
export const getRepo: Handler = (context) => ({ status: 200, body: buildRepository(context.urls, repoOf(context)) });
