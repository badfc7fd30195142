import { KustomizeFailure } from '../errors.js';
import { describePath, FileSystemError, type FileSystem } from '../fs/file-system.js';
import { isWithin, joinRelative } from '../fs/paths.js';

/**
 * kustomize's `--load-restrictor`: `LoadRestrictionsRootOnly` (its default) keeps the files a kustomization names in
 * or below its directory; `LoadRestrictionsNone` lets them lie anywhere the file system reaches.
 */
export type LoadRestrictor = 'LoadRestrictionsRootOnly' | 'LoadRestrictionsNone';

/** The restrictors, in the order `kustomize build --help` lists them. */
export const LOAD_RESTRICTORS: readonly LoadRestrictor[] = ['LoadRestrictionsRootOnly', 'LoadRestrictionsNone'];

/**
 * Reads files for one kustomization directory, with kustomize's load restrictions: by default a file a kustomization
 * names (resource, patch, generator source) must lie in or below that kustomization's directory, while a directory
 * (a base or component) may be anywhere in the file system's root as long as it does not contain a kustomization
 * already being built (a cycle).
 */
export class FileLoader {
  private constructor(
    readonly fs: FileSystem,
    /** Root-relative real path of the kustomization directory. */
    readonly root: string,
    private readonly referrer: FileLoader | undefined,
    private readonly restrictor: LoadRestrictor,
  ) {}

  /** A loader for the directory at `dir` (root-relative). */
  static at(fs: FileSystem, dir: string, restrictor: LoadRestrictor = 'LoadRestrictionsRootOnly'): FileLoader {
    const real = realDir(fs, dir, dir);
    return new FileLoader(fs, real, undefined, restrictor);
  }

  /** Root-relative path of `path` taken relative to this kustomization, or an error if it leaves the repository. */
  resolve(path: string): string {
    if (isRemote(path)) throw new KustomizeFailure('not-supported', remoteRefusal(path));
    const joined = joinRelative(this.root, path);
    if (joined === undefined) {
      throw new KustomizeFailure('outside-root', `security; path '${path}' leaves the repository root`);
    }
    return joined;
  }

  /** What `path` names: a file, a directory, or nothing. */
  kindOf(path: string): 'file' | 'directory' | 'missing' {
    try {
      return this.fs.kind(this.resolve(path));
    } catch (error) {
      throw asFailure(error);
    }
  }

  /** The bytes of a file in or below this kustomization's directory. */
  load(path: string): Uint8Array {
    const resolved = this.resolve(path);
    try {
      const kind = this.fs.kind(resolved);
      if (kind === 'missing') throw new KustomizeFailure('missing-file', `file '${path}' does not exist`);
      if (kind === 'directory') throw new KustomizeFailure('missing-file', `'${path}' must resolve to a file`);
      const real = this.fs.realPath(resolved);
      const dir = real.includes('/') ? real.slice(0, real.lastIndexOf('/')) : '';
      if (this.restrictor === 'LoadRestrictionsRootOnly' && !isWithin(dir, this.root)) {
        throw new KustomizeFailure(
          'outside-root',
          `security; file '${describePath(this.fs, real)}' is not in or below '${describePath(this.fs, this.root)}'`,
        );
      }
      return this.fs.readFile(real);
    } catch (error) {
      throw asFailure(error);
    }
  }

  /** A file's text; bytes that are not UTF-8 are an error, as they are for kustomize's YAML reader. */
  loadText(path: string): string {
    const bytes = this.load(path);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch (cause) {
      throw new KustomizeFailure('invalid-yaml', `${path}: invalid UTF-8`, { cause });
    }
  }

  /** A loader for a base or component directory, refusing a directory that contains one already being built. */
  child(path: string): FileLoader {
    if (path === '') throw new KustomizeFailure('missing-file', 'new root cannot be empty');
    if (path.startsWith('/')) throw new KustomizeFailure('outside-root', `new root '${path}' cannot be absolute`);
    const real = realDir(this.fs, this.resolve(path), path);
    for (const visited of this.chain()) {
      if (isWithin(visited, real)) {
        throw new KustomizeFailure(
          'cycle',
          `cycle detected: candidate root '${describePath(this.fs, real)}' contains visited root '${describePath(this.fs, visited)}'`,
        );
      }
    }
    return new FileLoader(this.fs, real, this, this.restrictor);
  }

  /** The roots of this loader and every loader that led to it. */
  private chain(): string[] {
    const roots = [this.root];
    for (let at = this.referrer; at !== undefined; at = at.referrer) roots.push(at.root);
    return roots;
  }
}

function realDir(fs: FileSystem, dir: string, asGiven: string): string {
  try {
    const kind = fs.kind(dir);
    const label = asGiven === dir ? describePath(fs, dir) : asGiven;
    if (kind === 'missing') throw new KustomizeFailure('missing-file', `'${label}' does not exist`);
    if (kind === 'file') throw new KustomizeFailure('missing-file', `'${label}' is a file, expected a directory`);
    return fs.realPath(dir);
  } catch (error) {
    throw asFailure(error);
  }
}

/** Turns a file-system error into the matching render failure. */
export function asFailure(error: unknown): unknown {
  if (!(error instanceof FileSystemError)) return error;
  const reason =
    error.reason === 'outside-root' ? 'outside-root' : error.reason === 'too-large' ? 'too-large' : 'missing-file';
  return new KustomizeFailure(reason, error.message, { cause: error });
}

/**
 * Why a remote base or file is refused, and what to do instead. There is no opt-in in this release: the renderer
 * reads only through its file-system port and has no network, so a render never depends on someone else's
 * repository being reachable (or unchanged) at render time.
 */
export function remoteRefusal(path: string): string {
  return (
    `remote resource '${path}' is not supported: kustomize-ts renders local files only and always refuses remote ` +
    'bases; vendor the base into this repository at a pinned commit and reference it by path'
  );
}

/** kustomize treats these as remote bases or files (git repositories, HTTP URLs). */
export function isRemote(path: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(path) ||
    /^git@/.test(path) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)[/:]/.test(path) ||
    /\?(ref|version|timeout|submodules)=/.test(path)
  );
}
