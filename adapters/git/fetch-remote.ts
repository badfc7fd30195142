import { classifyFetchFailure } from './classify-fetch-failure.js';
import { GitFetchError } from './errors.js';
import { gitAt, gitErrorText } from './git-client.js';
import { maskCredentials } from './mask-credentials.js';

// Branches and tags only: `+refs/*:refs/*` would also pull GitHub's refs/pull/* (every pull request ever opened),
// which on a busy repository is most of the transfer. The URL is passed on the command line rather than stored
// as a remote, so a token in it never lands in the mirror's config file on disk.
const REFSPECS = ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];

/**
 * Updates the mirror's branches and tags from `url` (deleted branches are pruned; objects stay until gc).
 * @throws {GitFetchError} classified from git's message; the abort reason when `signal` aborts
 */
export async function fetchBranchesAndTags(gitDir: string, url: string, signal?: AbortSignal): Promise<void> {
  try {
    await gitAt(gitDir, { signal }).raw(['fetch', '--quiet', '--prune', '--no-tags', '--', url, ...REFSPECS]);
  } catch (error) {
    throw fetchError(error, url, signal);
  }
}

/**
 * Updates only `ref` (`refs/heads/main`) of the mirror from `url`: what one push needs, without the other branches'
 * and the tags' objects (with protocol v2 the server advertises only that ref, too).
 * @throws {GitFetchError} classified from git's message; the abort reason when `signal` aborts
 */
export async function fetchRef(gitDir: string, url: string, ref: string, signal?: AbortSignal): Promise<void> {
  try {
    await gitAt(gitDir, { signal }).raw(['fetch', '--quiet', '--no-tags', '--', url, `+${ref}:${ref}`]);
  } catch (error) {
    throw fetchError(error, url, signal);
  }
}

/**
 * Fetches one commit by id, for commits no branch reaches (GitHub serves any reachable commit, including fork pull
 * request heads). Best effort: a server that refuses wants by id just leaves the commit missing.
 */
export async function fetchOneCommit(gitDir: string, url: string, sha: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await gitAt(gitDir, { signal }).raw(['fetch', '--quiet', '--no-tags', '--', url, sha]);
    return true;
  } catch {
    signal?.throwIfAborted();
    return false;
  }
}

/**
 * The error to throw for a failed fetch. simple-git's own error is not kept as `cause`: its message and command
 * line carry the URL unmasked, and loggers serialize causes.
 */
function fetchError(error: unknown, url: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  const text = maskCredentials(gitErrorText(error)).trim();
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return new GitFetchError(classifyFetchFailure(text), maskCredentials(url), lines.slice(-3).join(' | '));
}
