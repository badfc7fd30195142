import { GitReadError } from './errors.js';
import { gitAt, gitErrorText } from './git-client.js';
import { maskCredentials } from './mask-credentials.js';

/** One entry of `git ls-tree -r -l`: a blob (file or symlink) or a gitlink (submodule commit). */
export interface TreeEntry {
  /** `100644`, `100755`, `120000` (symlink) or `160000` (submodule). */
  readonly mode: string;
  readonly type: 'blob' | 'commit';
  readonly oid: string;
  /** Blob size in bytes; undefined for a submodule. */
  readonly size: number | undefined;
  /** Root-relative POSIX path. */
  readonly path: string;
}

/** Every entry of the tree of commit `sha`, recursively (directories are implied by their entries' paths). */
export async function listTree(gitDir: string, sha: string, signal?: AbortSignal): Promise<TreeEntry[]> {
  const output = await runRead(gitDir, ['ls-tree', '-r', '-l', '-z', '--full-tree', sha], signal);
  return parseLsTree(output);
}

/** Parses `git ls-tree -r -l -z` output: `<mode> SP <type> SP <oid> SP+ <size> TAB <path> NUL`. */
export function parseLsTree(output: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of output.split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode, type, oid, size] = record.slice(0, tab).split(/ +/);
    if (tab < 0 || mode === undefined || oid === undefined || (type !== 'blob' && type !== 'commit')) {
      throw new GitReadError('git-failed', `unexpected git ls-tree line: ${JSON.stringify(record)}`);
    }
    entries.push({ mode, type, oid, size: size === '-' ? undefined : Number(size), path: record.slice(tab + 1) });
  }
  return entries;
}

/**
 * Reads many objects in one `git cat-file --batch` process (one process for a whole tree, not one per file).
 * `specs` are object names git understands (`<oid>` or `<sha>:<path>`); the result maps each spec to its bytes,
 * or to undefined when git reports it missing.
 */
export async function readObjects(
  gitDir: string,
  specs: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, Uint8Array | undefined>> {
  if (specs.length === 0) return new Map();
  let output: Buffer;
  try {
    output = (await gitAt(gitDir, { signal, input: `${specs.join('\n')}\n` }).binaryCatFile(['--batch'])) as Buffer;
  } catch (error) {
    signal?.throwIfAborted();
    throw new GitReadError('git-failed', `git cat-file in ${gitDir} failed: ${maskCredentials(gitErrorText(error))}`, { cause: error });
  }
  return parseCatFileBatch(output, specs);
}

/**
 * Parses `git cat-file --batch` output, which answers each input line in order with either
 * `<oid> SP <type> SP <size> LF <content> LF` or `<input> SP missing LF`.
 */
export function parseCatFileBatch(output: Buffer, specs: readonly string[]): Map<string, Uint8Array | undefined> {
  const result = new Map<string, Uint8Array | undefined>();
  let offset = 0;
  for (const spec of specs) {
    const eol = output.indexOf(0x0a, offset);
    if (eol < 0) throw new GitReadError('git-failed', `git cat-file output ended before ${spec}`);
    const header = output.subarray(offset, eol).toString('utf8');
    offset = eol + 1;
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
      result.set(spec, undefined);
      continue;
    }
    const size = Number(header.slice(header.lastIndexOf(' ') + 1));
    if (!Number.isInteger(size)) throw new GitReadError('git-failed', `unexpected git cat-file header: ${header}`);
    result.set(spec, new Uint8Array(output.subarray(offset, offset + size)));
    offset += size + 1;
  }
  return result;
}

/** The type of the object `spec` names (`commit`, `tree`, `blob`, `tag`), or undefined when it is missing. */
export async function objectType(gitDir: string, spec: string, signal?: AbortSignal): Promise<string | undefined> {
  const output = await runRead(gitDir, ['cat-file', '--batch-check=%(objecttype)'], signal, `${spec}\n`);
  const answer = output.trim();
  return answer.endsWith(' missing') || answer.endsWith(' ambiguous') ? undefined : answer;
}

/** Runs a read-only git command, turning a failure into {@link GitReadError} `git-failed`. */
export async function runRead(gitDir: string, args: string[], signal?: AbortSignal, input?: string): Promise<string> {
  try {
    return await gitAt(gitDir, { signal, input }).raw(args);
  } catch (error) {
    signal?.throwIfAborted();
    throw new GitReadError('git-failed', `git ${args[0]} in ${gitDir} failed: ${maskCredentials(gitErrorText(error))}`, { cause: error });
  }
}
