import type { GitTreeFileSystem } from './git-tree-file-system.js';

/** How much a {@link CommitMemo} keeps. */
export interface CommitMemoLimits {
  /** Commits remembered as present, over all mirrors. Default 10,000. */
  readonly commits?: number;
  /** Commit trees kept in memory. Default 8. */
  readonly trees?: number;
  /** A tree whose files add up to more than this is not kept. Default 16 MiB. */
  readonly treeBytes?: number;
  /** Lists of changed paths kept. Default 256. */
  readonly diffs?: number;
}

/**
 * What the mirrors of one {@link GitMirror} answered that cannot change: a commit once in a mirror stays there
 * (fetches only add objects; gc prunes only unreachable objects older than two weeks), and a commit's tree and the
 * paths changed between two commits are fixed by their ids. Every answer of a git process is a spawned process
 * (5 ms on an idle machine, 20–50 ms on a busy one), and one push's plan job, its validate job and its deploy jobs
 * asked the same questions of the same commit up to a dozen times (bench/push-to-applied.ts).
 *
 * A mirror that had to be created again forgets its answers ({@link forget}); so does a read that failed.
 * Concurrent reads of one tree share one load.
 */
export class CommitMemo {
  private readonly commits = new Set<string>();
  private readonly trees = new Map<string, Promise<GitTreeFileSystem>>();
  private readonly diffs = new Map<string, Promise<readonly string[]>>();
  private readonly limits: Required<CommitMemoLimits>;

  constructor(limits: CommitMemoLimits = {}) {
    this.limits = { commits: 10_000, trees: 8, treeBytes: 16 * 1024 * 1024, diffs: 256, ...limits };
  }

  /** True when `sha` was seen in the mirror `gitDir`. */
  hasCommit(gitDir: string, sha: string): boolean {
    return this.commits.has(key(gitDir, sha));
  }

  /** True when some commit was seen in the mirror `gitDir`: it exists and is a complete repository. */
  knowsMirror(gitDir: string): boolean {
    return this.commits.has(key(gitDir, ''));
  }

  /** Remembers that `sha` is in the mirror `gitDir`. */
  addCommit(gitDir: string, sha: string): void {
    bounded(this.commits, this.limits.commits);
    this.commits.add(key(gitDir, sha));
    this.commits.add(key(gitDir, ''));
  }

  /** The tree of `sha` (with files up to `maxFileBytes` loaded), loaded once while it is kept. */
  tree(gitDir: string, sha: string, maxFileBytes: number, load: () => Promise<GitTreeFileSystem>): Promise<GitTreeFileSystem> {
    const id = `${key(gitDir, sha)}\0${maxFileBytes}`;
    const kept = this.trees.get(id);
    if (kept !== undefined) {
      // Most recently used last, so the oldest is the one dropped.
      this.trees.delete(id);
      this.trees.set(id, kept);
      return kept;
    }
    const loading = load().then(
      (tree) => {
        const bytes = tree.entries.reduce((sum, entry) => sum + (entry.size ?? 0), 0);
        if (bytes > this.limits.treeBytes && this.trees.get(id) === loading) this.trees.delete(id);
        return tree;
      },
      (error: unknown) => {
        if (this.trees.get(id) === loading) this.trees.delete(id);
        throw error;
      },
    );
    bounded(this.trees, this.limits.trees);
    this.trees.set(id, loading);
    return loading;
  }

  /** The paths changed from `fromSha` to `toSha`, computed once while kept (concurrent askers share it). */
  async changedPaths(gitDir: string, fromSha: string, toSha: string, compute: () => Promise<string[]>): Promise<string[]> {
    const id = `${key(gitDir, fromSha)}\0${toSha}`;
    let paths = this.diffs.get(id);
    if (paths === undefined) {
      const computing = compute();
      paths = computing;
      bounded(this.diffs, this.limits.diffs);
      this.diffs.set(id, computing);
      computing.catch(() => {
        if (this.diffs.get(id) === computing) this.diffs.delete(id);
      });
    }
    return [...(await paths)];
  }

  /** Forgets every answer about the mirror `gitDir` (it was created again, or a read of it failed). */
  forget(gitDir: string): void {
    const prefix = `${gitDir}\0`;
    for (const id of this.commits) if (id.startsWith(prefix)) this.commits.delete(id);
    for (const id of this.trees.keys()) if (id.startsWith(prefix)) this.trees.delete(id);
    for (const id of this.diffs.keys()) if (id.startsWith(prefix)) this.diffs.delete(id);
  }
}

function key(gitDir: string, sha: string): string {
  return `${gitDir}\0${sha}`;
}

/** Drops the oldest entries of `kept` until one more fits under `limit` (sets and maps iterate in insertion order). */
function bounded(kept: Set<string> | Map<string, unknown>, limit: number): void {
  while (kept.size >= limit) {
    const oldest = kept.keys().next();
    if (oldest.done === true) return;
    kept.delete(oldest.value);
  }
}
