/** The git adapter: a mirror cache of remote repositories and commit-addressed reads without a working copy. */
export { GitMirror, type FetchOptions, type GitLogger, type GitMirrorOptions } from './git-mirror.js';
export { MirrorRepository, type ReadOptions, type TreeOptions } from './mirror-repository.js';
export type { TreeEntry } from './read-objects.js';
export { GitTreeFileSystem } from './git-tree-file-system.js';
export {
  GitFetchError,
  GitReadError,
  UnknownCommitError,
  type GitFetchFailure,
  type GitReadFailure,
} from './errors.js';
export { maskCredentials } from './mask-credentials.js';
export { resolveRef } from './resolve-ref.js';
export type { BackoffPolicy } from '../common/with-backoff.js';
