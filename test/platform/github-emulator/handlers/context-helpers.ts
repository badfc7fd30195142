import type { RepoRecord } from '../emulator-state.js';
import { repoKey } from '../emulator-state.js';
import { notFound } from '../github-error.js';
import { buildSimpleUser, type SimpleUser } from '../objects/build-user.js';
import type { HandlerContext } from './handler.js';

/** The repository named by the path's `{owner}/{repo}`, created on first sight. */
export function repoOf(context: HandlerContext): RepoRecord & { readonly key: string } {
  const owner = String(context.params['owner']);
  const name = String(context.params['repo']);
  return { ...context.state.repo(owner, name), key: repoKey(owner, name) };
}

/** The API URL of a repository. */
export function repoApiUrl(context: HandlerContext, repo: RepoRecord): string {
  return `${context.urls.api}/repos/${repo.owner}/${repo.name}`;
}

/** The user GitHub would name as creator: the token's user, or the App's `<slug>[bot]` account. */
export function creatorOf(context: HandlerContext): SimpleUser {
  const { actor, state, urls } = context;
  if (actor.kind === 'user') return buildSimpleUser(urls, actor.login, state.userId(actor.login));
  const login = `${actor.app.slug}[bot]`;
  return buildSimpleUser(urls, login, state.userId(login), 'Bot');
}

/** The body as the object the request schema guarantees (handlers only read fields the schema declares). */
export function bodyOf(context: HandlerContext): Record<string, unknown> {
  const body = context.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** An integer path parameter (the schema has already checked and coerced it). */
export function intParam(context: HandlerContext, name: string): number {
  return Number(context.params[name]);
}

/** Looks up an object by id in the repository the path names; 404 (as GitHub) when it is elsewhere or gone. */
export function findInRepo<T extends { readonly repoKey: string }>(
  context: HandlerContext,
  map: ReadonlyMap<number, T>,
  id: number,
): T {
  const found = map.get(id);
  if (found === undefined || found.repoKey !== repoOf(context).key) throw notFound(context.operation.documentationUrl);
  return found;
}

/**
 * One page of a list, as GitHub pages it (`per_page` default 30, max 100; `page` from 1), with the `Link` header
 * Octokit's paginator follows.
 */
export function paginate<T>(
  context: HandlerContext,
  items: readonly T[],
  path: string,
): { body: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(context.query['per_page'] ?? 30), 1), 100);
  const page = Math.max(Number(context.query['page'] ?? 1), 1);
  const lastPage = Math.max(Math.ceil(items.length / perPage), 1);
  const body = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string): string => {
    const url = new URL(context.urls.api + path);
    for (const [key, value] of Object.entries(context.query))
      if (value !== undefined) url.searchParams.set(key, String(value));
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(p));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page < lastPage) links.push(link(page + 1, 'next'), link(lastPage, 'last'));
  if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'));
  return { body, headers: links.length > 0 ? { link: links.join(', ') } : {} };
}
