import {
  DEFAULT_MAX_FILE_BYTES,
  FileSystemError,
  type EntryKind,
  type FileSystem,
} from '../../kustomize/fs/file-system.js';
import { dirOf, joinRelative, normalizeRelative } from '../../kustomize/fs/paths.js';
import type { TreeEntry } from './read-objects.js';

/** A node of the in-memory tree. `bytes` is absent for a file over the size limit (never read from git). */
type TreeNode =
  | { readonly kind: 'file'; readonly size: number; readonly bytes: Uint8Array | undefined }
  | { readonly kind: 'directory'; readonly names: Set<string> }
  | { readonly kind: 'symlink'; readonly target: string };

/** Linux's limit on symlinks followed in one lookup (ELOOP). */
const MAX_SYMLINK_HOPS = 40;

/**
 * The tree of one commit, held in memory, as the kustomize {@link FileSystem} port: the renderer reads
 * `environments/<env>` at any commit with no checkout and no working copy to clean up.
 *
 * Symlinks behave as on disk (a link to a directory is a directory), except that one leading out of the repository
 * (absolute, or climbing above the root) makes any access through it fail with `outside-root`. Submodules appear as
 * empty directories, as in a clone without `--recurse-submodules`.
 */
export class GitTreeFileSystem implements FileSystem {
  private readonly nodes = new Map<string, TreeNode>([['', { kind: 'directory', names: new Set() }]]);

  /**
   * @param entries the commit's tree, as `git ls-tree -r -l` lists it (kept: the build stage hashes their ids)
   * @param blobs blob contents by object id; files over `maxFileBytes` may be missing (they read as `too-large`)
   */
  constructor(
    readonly sha: string,
    readonly entries: readonly TreeEntry[],
    blobs: ReadonlyMap<string, Uint8Array | undefined>,
    private readonly maxFileBytes = DEFAULT_MAX_FILE_BYTES,
  ) {
    for (const entry of entries) this.add(entry, blobs.get(entry.oid));
  }

  /** Every regular file and symlink path in the tree, sorted. */
  paths(): string[] {
    return [...this.nodes]
      .filter(([, node]) => node.kind !== 'directory')
      .map(([path]) => path)
      .sort();
  }

  kind(path: string): EntryKind {
    const real = this.resolve(path);
    if (real === undefined) return 'missing';
    return this.nodes.get(real)?.kind === 'directory' ? 'directory' : 'file';
  }

  readFile(path: string): Uint8Array {
    const real = this.resolve(path);
    const node = real === undefined ? undefined : this.nodes.get(real);
    if (node === undefined) throw new FileSystemError('not-found', path, `${path}: no such file at ${this.short}`);
    if (node.kind !== 'file') throw new FileSystemError('not-a-file', path, `${path}: not a regular file`);
    if (node.bytes === undefined || node.size > this.maxFileBytes) {
      throw new FileSystemError(
        'too-large',
        path,
        `${path}: file is ${node.size} bytes, larger than the ${this.maxFileBytes}-byte limit`,
      );
    }
    return node.bytes;
  }

  readDir(path: string): readonly string[] {
    const real = this.resolve(path);
    const node = real === undefined ? undefined : this.nodes.get(real);
    if (node === undefined) throw new FileSystemError('not-found', path, `${path}: no such directory at ${this.short}`);
    if (node.kind !== 'directory') throw new FileSystemError('not-a-directory', path, `${path}: not a directory`);
    return [...node.names].sort();
  }

  realPath(path: string): string {
    const real = this.resolve(path);
    if (real === undefined) throw new FileSystemError('not-found', path, `${path}: no such file or directory`);
    return real;
  }

  private get short(): string {
    return this.sha.slice(0, 12);
  }

  private add(entry: TreeEntry, bytes: Uint8Array | undefined): void {
    if (entry.type === 'commit') this.link(entry.path, { kind: 'directory', names: new Set() });
    else if (entry.mode === '120000')
      this.link(entry.path, { kind: 'symlink', target: new TextDecoder().decode(bytes) });
    else this.link(entry.path, { kind: 'file', size: entry.size ?? bytes?.byteLength ?? 0, bytes });
  }

  /** Stores `node` at `path` and records each path segment in its parent directory. */
  private link(path: string, node: TreeNode): void {
    this.nodes.set(path, node);
    for (let child = path; child !== ''; child = dirOf(child)) {
      const parent = dirOf(child);
      let dir = this.nodes.get(parent);
      if (dir === undefined) {
        dir = { kind: 'directory', names: new Set() };
        this.nodes.set(parent, dir);
      }
      if (dir.kind === 'directory') dir.names.add(child.slice(parent === '' ? 0 : parent.length + 1));
    }
  }

  /**
   * The canonical path `path` names, following symlinks on every segment; undefined when nothing is there.
   * Throws `outside-root` when the path, or a link on the way, leaves the repository.
   */
  private resolve(path: string): string | undefined {
    let pending = this.normalize(path, normalizeRelative(path));
    for (let hops = 0; ; hops++) {
      const step = this.walk(pending);
      if (step.link === undefined) return step.resolved;
      if (hops >= MAX_SYMLINK_HOPS) {
        throw new FileSystemError('not-found', path, `${path}: too many levels of symbolic links`);
      }
      const { at, target, rest } = step.link;
      const joined = target.startsWith('/') ? undefined : joinRelative(dirOf(at), target);
      const next = joined === undefined ? undefined : normalizeRelative(rest === '' ? joined : `${joined}/${rest}`);
      if (next === undefined) {
        throw new FileSystemError(
          'outside-root',
          path,
          `${path}: symlink ${at} -> ${target} points outside the repository`,
        );
      }
      pending = next;
    }
  }

  /** Walks `path` segment by segment until the end, a missing segment, or the first symlink. */
  private walk(path: string): { resolved?: string; link?: { at: string; target: string; rest: string } } {
    const segments = path === '' ? [] : path.split('/');
    let current = '';
    for (let i = 0; i < segments.length; i++) {
      current = current === '' ? segments[i]! : `${current}/${segments[i]}`;
      const node = this.nodes.get(current);
      if (node === undefined) return {};
      if (node.kind === 'symlink')
        return { link: { at: current, target: node.target, rest: segments.slice(i + 1).join('/') } };
      if (node.kind === 'file' && i < segments.length - 1) return {};
    }
    return { resolved: current };
  }

  private normalize(path: string, rel: string | undefined): string {
    if (rel === undefined) throw new FileSystemError('outside-root', path, `${path}: path leaves the repository root`);
    return rel;
  }
}
