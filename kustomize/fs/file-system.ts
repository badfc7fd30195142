/**
 * The file-system port kustomize-ts reads through. Paths are POSIX, relative to the file system's root
 * (`environments/dev/kustomization.yaml`); the root itself is `''`. Implementations refuse any path that leaves the
 * root, so a render can never read outside the repository it was given.
 */
export interface FileSystem {
  /** What lives at `path`: a file, a directory, or nothing. Symlinks are followed (and must stay inside the root). */
  kind(path: string): EntryKind;
  /** The bytes of the file at `path`; throws {@link FileSystemError} when missing, outside the root or too large. */
  readFile(path: string): Uint8Array;
  /** Entry names directly inside the directory at `path`, sorted. */
  readDir(path: string): readonly string[];
  /**
   * The canonical path of `path` with every symlink resolved, relative to the root; used to detect cycles between
   * kustomizations and to confine file reads to a kustomization's directory.
   */
  realPath(path: string): string;
  /**
   * How messages name `path` to a person; by default the root-relative path (`.` for the root). A file system rooted
   * at `/` names paths absolutely, as kustomize does.
   */
  describe?(path: string): string;
}

/** How a message names a root-relative path: {@link FileSystem.describe}, else the path itself (`.` for the root). */
export function describePath(fs: FileSystem, path: string): string {
  return fs.describe?.(path) ?? (path === '' ? '.' : path);
}

/** What a path names. */
export type EntryKind = 'file' | 'directory' | 'missing';

/** Why a file-system call failed. */
export type FileSystemErrorReason = 'not-found' | 'outside-root' | 'too-large' | 'not-a-file' | 'not-a-directory';

/** A file-system call that failed; `path` is the path as the caller gave it. */
export class FileSystemError extends Error {
  override readonly name = 'FileSystemError';
  constructor(
    readonly reason: FileSystemErrorReason,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Files larger than this are refused: a kustomization input is text a person wrote, never tens of megabytes. */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
