import { DEFAULT_MAX_FILE_BYTES, FileSystemError, type EntryKind, type FileSystem } from './file-system.js';
import { normalizeRelative } from './paths.js';

/** File contents for {@link MemoryFileSystem}: text (stored as UTF-8) or bytes. */
export type MemoryFiles = Readonly<Record<string, string | Uint8Array>>;

/**
 * A {@link FileSystem} held in memory: a git tree read at a commit, or a test fixture. Directories exist implicitly
 * as the parents of files. There are no symlinks, so nothing can point outside the root.
 */
export class MemoryFileSystem implements FileSystem {
  private readonly files = new Map<string, Uint8Array>();
  private readonly dirs = new Map<string, Set<string>>();

  constructor(
    files: MemoryFiles = {},
    private readonly maxFileBytes = DEFAULT_MAX_FILE_BYTES,
  ) {
    this.dirs.set('', new Set());
    for (const [path, content] of Object.entries(files)) this.write(path, content);
  }

  /** Adds or replaces a file, creating its parent directories. */
  write(path: string, content: string | Uint8Array): void {
    const rel = this.normalize(path);
    this.files.set(rel, typeof content === 'string' ? new TextEncoder().encode(content) : content);
    let child = rel;
    for (let i = rel.lastIndexOf('/'); ; i = child.lastIndexOf('/')) {
      const parent = i < 0 ? '' : child.slice(0, i);
      const name = i < 0 ? child : child.slice(i + 1);
      const entries = this.dirs.get(parent) ?? new Set<string>();
      entries.add(name);
      this.dirs.set(parent, entries);
      if (parent === '') break;
      child = parent;
    }
  }

  kind(path: string): EntryKind {
    const rel = this.normalize(path);
    if (this.files.has(rel)) return 'file';
    return this.dirs.has(rel) ? 'directory' : 'missing';
  }

  readFile(path: string): Uint8Array {
    const rel = this.normalize(path);
    const content = this.files.get(rel);
    if (content === undefined) {
      if (this.dirs.has(rel)) throw new FileSystemError('not-a-file', path, `${path}: not a regular file`);
      throw new FileSystemError('not-found', path, `${path}: no such file`);
    }
    if (content.byteLength > this.maxFileBytes) {
      throw new FileSystemError(
        'too-large',
        path,
        `${path}: file is ${content.byteLength} bytes, larger than the ${this.maxFileBytes}-byte limit`,
      );
    }
    return content;
  }

  readDir(path: string): readonly string[] {
    const entries = this.dirs.get(this.normalize(path));
    if (entries === undefined) throw new FileSystemError('not-found', path, `${path}: no such directory`);
    return [...entries].sort();
  }

  realPath(path: string): string {
    const rel = this.normalize(path);
    if (this.kind(rel) === 'missing')
      throw new FileSystemError('not-found', path, `${path}: no such file or directory`);
    return rel;
  }

  private normalize(path: string): string {
    const rel = normalizeRelative(path);
    if (rel === undefined) throw new FileSystemError('outside-root', path, `${path}: path leaves the repository root`);
    return rel;
  }
}
