import { DEFAULT_MAX_FILE_BYTES } from '../../kustomize/fs/file-system.js';
import { normalizeRelative } from '../../kustomize/fs/paths.js';
import { GitReadError } from './errors.js';
import { GitTreeFileSystem } from './git-tree-file-system.js';
import { archiveContext } from './archive-context.js';
import { CommitMemo } from './commit-memo.js';
import { untilAborted } from '../common/until-aborted.js';
import { listTree, objectType, readObjects, runRead } from './read-objects.js';

/** Options for the reads of a {@link MirrorRepository}. */
export interface ReadOptions {
  readonly signal?: AbortSignal;
}

/** Options for {@link MirrorRepository.treeAt}. */
export interface TreeOptions extends ReadOptions {
  /** Files larger than this are not loaded and read as `too-large`. Default: the renderer's limit (10 MiB). */
  readonly maxFileBytes?: number;
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
/** The "before" of a push that created a branch. */
const ZERO_SHA = /^0+$/;

/**
 * Read access to one bare mirror, by commit: no checkout, so any number of jobs read different commits of the same
 * mirror at once. Reads are safe while a fetch runs (git writes objects and packs atomically), so they take no lock.
 */
export class MirrorRepository {
  /**
   * @param gitDir the bare mirror's directory
   * @param url the remote it mirrors, credentials masked (for messages)
   * @param memo answers that cannot change, shared by the repositories of one GitMirror (default: this one's own)
   */
  constructor(
    readonly gitDir: string,
    readonly url: string,
    private readonly memo: CommitMemo = new CommitMemo(),
  ) {}

  /** Whether commit `sha` is in the mirror (a commit once seen there is not asked of git again). */
  async hasCommit(sha: string, options: ReadOptions = {}): Promise<boolean> {
    assertFullSha(sha);
    if (this.memo.hasCommit(this.gitDir, sha)) return true;
    const present = (await objectType(this.gitDir, `${sha}^{commit}`, options.signal)) === 'commit';
    if (present) this.memo.addCommit(this.gitDir, sha);
    return present;
  }

  /** Records that commit `sha` is in the mirror, known without asking git (a ref was seen pointing at it). */
  rememberCommit(sha: string): void {
    assertFullSha(sha);
    this.memo.addCommit(this.gitDir, sha);
  }

  /**
   * The whole tree of commit `sha` in memory, as the kustomize file-system port. One `ls-tree` and one
   * `cat-file --batch` process, whatever the number of files.
   */
  async treeAt(sha: string, options: TreeOptions = {}): Promise<GitTreeFileSystem> {
    await this.requireCommit(sha, options.signal);
    const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    // The load is shared by every caller of this tree while it is kept, so it runs without any one caller's signal
    // (one job's cancellation must not fail another's read); a caller's abort still ends its own wait.
    const tree = this.memo.tree(this.gitDir, sha, maxFileBytes, async () => {
      const entries = await listTree(this.gitDir, sha);
      const wanted = entries.filter((e) => e.type === 'blob' && (e.mode === '120000' || (e.size ?? 0) <= maxFileBytes));
      const blobs = await readObjects(this.gitDir, [...new Set(wanted.map((e) => e.oid))]);
      return new GitTreeFileSystem(sha, entries, blobs, maxFileBytes);
    });
    // A commit whose tree cannot be read is asked of git again next time (the mirror may have been removed).
    return untilAborted(tree, options.signal).catch((error: unknown) => {
      if (!options.signal?.aborted) this.memo.forget(this.gitDir);
      throw error;
    });
  }

  /**
   * The paths whose content, mode or existence differ between two commits, sorted. A rename lists both its old
   * and new path (an app moved away from is as changed as the one moved to). When `fromSha` is undefined or the
   * all-zero sha (a push that created the branch), every path of `toSha` counts as changed.
   */
  async changedPaths(fromSha: string | undefined, toSha: string, options: ReadOptions = {}): Promise<string[]> {
    await this.requireCommit(toSha, options.signal);
    if (fromSha === undefined || ZERO_SHA.test(fromSha)) {
      return splitZ(
        await runRead(this.gitDir, ['ls-tree', '-r', '-z', '--name-only', '--full-tree', toSha], options.signal),
      );
    }
    await this.requireCommit(fromSha, options.signal);
    const args = ['diff-tree', '-r', '-z', '--name-only', '--no-renames', '--no-commit-id', fromSha, toSha];
    // Shared by concurrent askers, so it runs without any one asker's signal (as treeAt's load does).
    const paths = this.memo.changedPaths(this.gitDir, fromSha, toSha, async () => splitZ(await runRead(this.gitDir, args)));
    return untilAborted(paths, options.signal);
  }

  /**
   * Directory `dir` of commit `sha` as a tar archive (a build context), from git objects.
   *
   * @throws DeployError InvalidConfig for a symlink leaving the repository or a missing directory
   */
  async archive(sha: string, dir: string, options: ReadOptions = {}): Promise<Buffer> {
    await this.requireCommit(sha, options.signal);
    return archiveContext(this.gitDir, sha, dir, options.signal);
  }

  /** The bytes of the file at `path` in commit `sha` (a symlink reads as its target, as `git show` does). */
  async readFile(sha: string, path: string, options: ReadOptions = {}): Promise<Uint8Array> {
    await this.requireCommit(sha, options.signal);
    const rel = normalizeRelative(path);
    if (rel === undefined || rel === '' || /[\n\0]/.test(rel)) {
      throw new GitReadError('invalid-path', `${JSON.stringify(path)} is not a file path inside the repository`);
    }
    const spec = `${sha}:${rel}`;
    const type = await objectType(this.gitDir, spec, options.signal);
    if (type === undefined)
      throw new GitReadError('not-found', `${rel}: no such file at ${sha.slice(0, 12)} in ${this.url}`);
    if (type !== 'blob')
      throw new GitReadError('not-a-file', `${rel}: not a file at ${sha.slice(0, 12)} (it is a ${type})`);
    const bytes = (await readObjects(this.gitDir, [spec], options.signal)).get(spec);
    if (bytes === undefined) throw new GitReadError('not-found', `${rel}: no such file at ${sha.slice(0, 12)}`);
    return bytes;
  }

  private async requireCommit(sha: string, signal: AbortSignal | undefined): Promise<void> {
    if (!(await this.hasCommit(sha, { signal }))) {
      throw new GitReadError('unknown-commit', `commit ${sha} is not in the mirror of ${this.url}; fetch it first`);
    }
  }
}

/** Throws a terminal error unless `sha` is a full, lowercase commit id (abbreviations are ambiguous over time). */
export function assertFullSha(sha: string): void {
  if (!FULL_SHA.test(sha)) throw new GitReadError('unknown-commit', `${JSON.stringify(sha)} is not a full commit sha`);
}

function splitZ(output: string): string[] {
  return [...new Set(output.split('\0').filter((p) => p !== ''))].sort();
}
