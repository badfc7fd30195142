import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { DEFAULT_MAX_FILE_BYTES, FileSystemError, type EntryKind, type FileSystem } from './file-system.js';
import { normalizeRelative } from './paths.js';

/** Options for {@link DiskFileSystem}. */
export interface DiskFileSystemOptions {
  /** Largest file `readFile` returns; default {@link DEFAULT_MAX_FILE_BYTES}. */
  readonly maxFileBytes?: number;
}

/**
 * A {@link FileSystem} over a directory on disk. Every path, and every symlink it passes through, must stay inside
 * `root`: a repository may not make the renderer read `/etc/passwd` by a `../` or a link.
 *
 * Each path is resolved once per instance (a render asks about the same file several times: is it there, where does
 * it really lie, its bytes), so an instance sees the tree's links and files as they were when it first looked; a
 * render makes its own.
 */
export class DiskFileSystem implements FileSystem {
  private readonly realRoot: string;
  /** The root with a trailing separator: the start of every path inside it. */
  private readonly prefix: string;
  private readonly maxFileBytes: number;
  /** resolveInside's answers by path (undefined: missing). */
  private readonly resolved = new Map<string, string | undefined>();

  constructor(root: string, options: DiskFileSystemOptions = {}) {
    this.realRoot = realpathSync(resolve(root));
    // The root may be `/` itself (gantry render reads what kustomize build reads), which already ends in a separator.
    this.prefix = this.realRoot.endsWith(sep) ? this.realRoot : this.realRoot + sep;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  kind(path: string): EntryKind {
    const real = this.resolveInside(path);
    if (real === undefined) return 'missing';
    const stat = statSync(real, { throwIfNoEntry: false });
    if (stat === undefined) return 'missing';
    return stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'missing';
  }

  readFile(path: string): Uint8Array {
    const real = this.resolveInside(path);
    if (real === undefined) throw new FileSystemError('not-found', path, `${path}: no such file`);
    const stat = statSync(real, { throwIfNoEntry: false });
    if (stat === undefined) throw new FileSystemError('not-found', path, `${path}: no such file`);
    if (!stat.isFile()) throw new FileSystemError('not-a-file', path, `${path}: not a regular file`);
    if (stat.size > this.maxFileBytes) {
      throw new FileSystemError(
        'too-large',
        path,
        `${path}: file is ${stat.size} bytes, larger than the ${this.maxFileBytes}-byte limit`,
      );
    }
    return readFileSync(real);
  }

  readDir(path: string): readonly string[] {
    const real = this.resolveInside(path);
    if (real === undefined) throw new FileSystemError('not-found', path, `${path}: no such directory`);
    try {
      return readdirSync(real).sort();
    } catch (cause) {
      throw new FileSystemError('not-a-directory', path, `${path}: not a readable directory`, { cause });
    }
  }

  realPath(path: string): string {
    const real = this.resolveInside(path);
    if (real === undefined) throw new FileSystemError('not-found', path, `${path}: no such file or directory`);
    return this.toRelative(real);
  }

  describe(path: string): string {
    // Rooted at `/` (gantry render), root-relative paths read best as the absolute paths kustomize prints.
    if (this.realRoot === sep) return `/${path}`;
    return path === '' ? '.' : path;
  }

  /**
   * The real absolute path of `path`, or undefined when it does not exist; throws when the path or a symlink on it
   * leads outside the root.
   */
  private resolveInside(path: string): string | undefined {
    if (this.resolved.has(path)) return this.resolved.get(path);
    const real = this.resolveOnce(path);
    this.resolved.set(path, real);
    return real;
  }

  private resolveOnce(path: string): string | undefined {
    const rel = normalizeRelative(path);
    if (rel === undefined) {
      throw new FileSystemError('outside-root', path, `${path}: path leaves the repository root`);
    }
    const absolute = rel === '' ? this.realRoot : resolve(this.realRoot, rel);
    let real: string;
    try {
      // The C library's realpath: one call, where Node's JavaScript one stats every component of the path.
      real = realpathSync.native(absolute);
    } catch {
      // Missing (or a dangling link): callers decide whether that is an error.
      return undefined;
    }
    if (real !== this.realRoot && !real.startsWith(this.prefix)) {
      throw new FileSystemError(
        'outside-root',
        path,
        `${path}: resolves (through a symlink) outside the repository root`,
      );
    }
    return real;
  }

  /** `real`, a path resolveInside returned, relative to the root, with `/` separators. */
  private toRelative(real: string): string {
    if (real === this.realRoot) return '';
    const inside = real.slice(this.prefix.length);
    return sep === '/' ? inside : inside.split(sep).join('/');
  }
}
