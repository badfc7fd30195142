import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBareMirror } from './ensure-bare-mirror.js';
import { GitFetchError, UnknownCommitError } from './errors.js';
import { fetchBranchesAndTags, fetchOneCommit, fetchRef } from './fetch-remote.js';
import { maskCredentials } from './mask-credentials.js';
import { MirrorLockTimeout, withMirrorLock } from './mirror-lock.js';
import { mirrorName } from './mirror-name.js';
import { assertFullSha, MirrorRepository } from './mirror-repository.js';
import { CommitMemo } from './commit-memo.js';
import { untilAborted } from '../common/until-aborted.js';
import { removeStaleGitLocks } from './remove-stale-git-locks.js';
import { DEFAULT_BACKOFF, withBackoff, type BackoffPolicy } from '../common/with-backoff.js';

/** The subset of a pino logger the mirror writes to. */
export interface GitLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** How a {@link GitMirror} is set up. */
export interface GitMirrorOptions {
  /** Directory holding one bare mirror per repository; created if missing. */
  readonly cacheDir: string;
  /** Retries of a failing `git fetch` inside one call. Default: 4 attempts from 250 ms, doubling, capped at 5 s. */
  readonly retry?: Partial<BackoffPolicy>;
  /** Longest wait for another worker's fetch into the same mirror. Default 10 minutes. */
  readonly lockTimeoutMs?: number;
  /** A lock not refreshed for this long belongs to a dead worker. Default 2 minutes. */
  readonly lockStaleMs?: number;
  /** Default: silent. URLs it receives are always masked. */
  readonly logger?: GitLogger;
}

/** Options for one {@link GitMirror.fetch}. */
export interface FetchOptions {
  /** Cancels waiting, retrying and the running git process. */
  readonly signal?: AbortSignal;
  /**
   * The ref the commit is expected on (`refs/heads/main`, a push's `ref`): only that ref is fetched, and every
   * branch and tag only when the commit is not there (a force push raced, the ref moved on). Without it, every
   * branch and tag is fetched.
   */
  readonly ref?: string;
}

const SILENT: GitLogger = { info: () => {}, warn: () => {} };

/**
 * A cache of bare mirrors, one per repository, that makes a commit available for reading. A mirror is created once
 * and then only ever `git fetch`ed (never re-cloned); a commit already present costs one `cat-file`, no network.
 *
 * Concurrency: fetches into one mirror are serialized by a lock file next to it (`<mirror>.lock`, see
 * mirror-lock.ts), across processes sharing the cache directory; reads take no lock.
 *
 * Answers that cannot change (a commit is present, a commit's tree, the paths changed between two commits) are
 * kept in memory and shared by every repository it opens (commit-memo.ts), so a commit the plan job fetched costs
 * its deploy jobs no git process.
 */
export class GitMirror {
  private readonly logger: GitLogger;
  private readonly memo = new CommitMemo();
  /** Per mirror, the end of the last fetch this process queued (see oneAtATime). */
  private readonly fetching = new Map<string, Promise<void>>();

  constructor(private readonly options: GitMirrorOptions) {
    if (options.cacheDir.trim() === '') throw new TypeError('GitMirror: cacheDir must be a directory path');
    this.logger = options.logger ?? SILENT;
  }

  /** The mirror directory for `cloneUrl` (whether or not it exists yet). */
  pathOf(cloneUrl: string): string {
    return join(this.options.cacheDir, mirrorName(cloneUrl));
  }

  /** Read access to the mirror of `cloneUrl` as it is now, without touching the network. */
  open(cloneUrl: string): MirrorRepository {
    return new MirrorRepository(this.pathOf(cloneUrl), maskCredentials(cloneUrl), this.memo);
  }

  /**
   * Makes commit `sha` of `cloneUrl` available in its mirror and returns the mirror for reading.
   *
   * @throws {GitFetchError} the fetch kept failing (`retryable` says whether a later try may succeed)
   * @throws {UnknownCommitError} the remote answered but has no such commit (terminal)
   */
  async fetch(cloneUrl: string, sha: string, options: FetchOptions = {}): Promise<MirrorRepository> {
    assertFullSha(sha);
    const { signal } = options;
    const repo = this.open(cloneUrl);
    if (await this.hasCommitIfExists(repo, sha, signal)) return repo;
    await this.oneAtATime(repo.gitDir, signal, async (queued) => {
      // A fetch of this process that ran first (the same push's other job, a burst of pushes to one branch) often
      // brought this commit along.
      if (queued && (await repo.hasCommit(sha, { signal }))) return;
      await mkdir(this.options.cacheDir, { recursive: true });
      const lockOptions = { signal, timeoutMs: this.options.lockTimeoutMs, staleMs: this.options.lockStaleMs };
      try {
        await withMirrorLock(
          `${repo.gitDir}.lock`,
          ({ waited }) => this.fetchLocked(cloneUrl, repo, sha, { signal, ref: options.ref, waited }),
          lockOptions,
        );
      } catch (error) {
        // The next try checks the mirror from scratch (it may be what failed).
        this.memo.forget(repo.gitDir);
        if (error instanceof MirrorLockTimeout) throw new GitFetchError('lock-timeout', repo.url, error.message, { cause: error });
        throw error;
      }
    });
    if (!(await repo.hasCommit(sha, { signal }))) throw new UnknownCommitError(repo.url, sha);
    return repo;
  }

  /**
   * Runs `work` once every fetch into `gitDir` this process started earlier has ended, telling it whether it had to
   * wait. In-process waiters queue here instead of polling the lock file (which backs off to 250 ms between looks).
   */
  private async oneAtATime(gitDir: string, signal: AbortSignal | undefined, work: (queued: boolean) => Promise<void>): Promise<void> {
    const before = this.fetching.get(gitDir);
    let done = () => {};
    const mine = new Promise<void>((resolve) => (done = resolve));
    const tail = (before ?? Promise.resolve()).then(() => mine);
    this.fetching.set(gitDir, tail);
    try {
      if (before !== undefined) await untilAborted(before, signal);
      await work(before !== undefined);
    } finally {
      done();
      if (this.fetching.get(gitDir) === tail) this.fetching.delete(gitDir);
    }
  }

  private async fetchLocked(
    cloneUrl: string,
    repo: MirrorRepository,
    sha: string,
    { signal, ref, waited }: { signal?: AbortSignal; ref?: string; waited: boolean },
  ): Promise<void> {
    // A mirror this process has read a commit from is complete (a mirror is created whole, by a rename), unless
    // it was removed since: then it is checked, and created again, like any other.
    const known = this.memo.knowsMirror(repo.gitDir) && (await stat(join(repo.gitDir, 'HEAD')).catch(() => undefined));
    if (!known && (await ensureBareMirror(repo.gitDir, signal)) === 'created') this.memo.forget(repo.gitDir);
    // Another worker may have fetched this commit while we waited for the lock (had we not waited, it was missing
    // a moment ago, and asking git again would only cost a process).
    if (waited && (await repo.hasCommit(sha, { signal }))) return;
    const started = Date.now();
    // The one ref first, once: any failure (the ref is gone, the remote is down) falls through to the full fetch,
    // whose retries and errors are the ones reported.
    if (ref !== undefined && /^refs\/(heads|tags)\/./.test(ref)) {
      const fetched = await fetchRef(repo.gitDir, cloneUrl, ref, signal).then(
        () => true,
        (error: unknown) => {
          signal?.throwIfAborted();
          this.logger.info({ url: repo.url, ref, err: describe(error) }, 'git fetch of one ref failed; fetching all');
          return false;
        },
      );
      if (fetched && ((await refPointsAt(repo, ref, sha)) || (await repo.hasCommit(sha, { signal })))) {
        this.logger.info({ url: repo.url, sha, ref, ms: Date.now() - started }, 'git fetch done');
        return;
      }
    }
    await this.fetchWithRetries(repo, () => fetchBranchesAndTags(repo.gitDir, cloneUrl, signal), signal);
    this.logger.info({ url: repo.url, sha, ms: Date.now() - started }, 'git fetch done');
    // A commit no branch or tag reaches (a fork's pull request head) can still be fetched by id where the server
    // allows it, as GitHub does.
    if (!(await repo.hasCommit(sha, { signal }))) await fetchOneCommit(repo.gitDir, cloneUrl, sha, signal);
  }

  /** One `git fetch`, retried with backoff; stale lock files of a dead process are removed before each try. */
  private async fetchWithRetries(repo: MirrorRepository, fetch: () => Promise<void>, signal?: AbortSignal): Promise<void> {
    const attempt = async () => {
      const removed = await removeStaleGitLocks(repo.gitDir);
      if (removed.length > 0) this.logger.warn({ url: repo.url, removed }, 'removed git lock files left by a dead process');
      await fetch();
    };
    await withBackoff(attempt, { ...DEFAULT_BACKOFF, ...this.options.retry }, {
      retryable: isRetryableFetch,
      ...(signal && { signal }),
      onRetry: (error, delayMs) =>
        this.logger.warn({ url: repo.url, delayMs, err: describe(error) }, 'git fetch failed; retrying'),
    });
  }

  private async hasCommitIfExists(repo: MirrorRepository, sha: string, signal?: AbortSignal): Promise<boolean> {
    try {
      return await repo.hasCommit(sha, { signal });
    } catch {
      // No mirror yet (or a half-made one): the locked path creates or repairs it.
      signal?.throwIfAborted();
      return false;
    }
  }
}

/**
 * True when the mirror's loose ref file names `sha`: git moves a ref only once the objects it reaches are stored, so
 * the commit is there, and no git process is needed to ask. False when the ref moved on (the commit may still be
 * an ancestor) or is packed: then git is asked.
 */
async function refPointsAt(repo: MirrorRepository, ref: string, sha: string): Promise<boolean> {
  const content = await readFile(join(repo.gitDir, ...ref.split('/')), 'utf8').catch(() => undefined);
  if (content?.trim() !== sha) return false;
  repo.rememberCommit(sha);
  return true;
}

function isRetryableFetch(error: unknown): boolean {
  return error instanceof GitFetchError && error.retryable;
}

function describe(error: unknown): string {
  return maskCredentials(error instanceof Error ? error.message : String(error));
}
