// A build context as a tar archive, made by git from the commit's objects (`git archive <sha>:<dir>`): no work
// tree, so any number of builds of different commits read one mirror at once and nothing can leak in from a
// checkout (untracked files, a stale build output).
import { execFile } from 'node:child_process';
import { posix } from 'node:path';
import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';
import { GitReadError } from './errors.js';
import { maskCredentials } from './mask-credentials.js';
import { listTree, readObjects, type TreeEntry } from './read-objects.js';

/** Contexts larger than this are refused rather than held in memory: a build context is sources, not artifacts. */
export const MAX_CONTEXT_BYTES = 512 * 1024 * 1024;

/**
 * The tar archive of directory `dir` (repository-relative, `''` for the root) of commit `sha`, entries relative to
 * `dir`. A symlink in it that points outside the repository is refused: a builder following it would read the
 * builder's own file system.
 *
 * @throws DeployError InvalidConfig (terminal) for such a symlink or a `dir` that is not a directory of the commit;
 *   GitReadError `git-failed` when git fails
 */
export async function archiveContext(gitDir: string, sha: string, dir: string, signal?: AbortSignal): Promise<Buffer> {
  const entries = await listTree(gitDir, sha, signal);
  const prefix = dir === '' ? '' : `${dir}/`;
  const inside = entries.filter((entry) => entry.path.startsWith(prefix));
  if (inside.length === 0)
    throw new DeployError(
      Reason.InvalidConfig,
      `build context ${dir || '.'} is not a directory at ${sha.slice(0, 12)}`,
    );
  await refuseEscapingLinks(gitDir, inside, signal);
  return runArchive(gitDir, dir === '' ? sha : `${sha}:${dir}`, signal);
}

async function refuseEscapingLinks(gitDir: string, entries: readonly TreeEntry[], signal?: AbortSignal): Promise<void> {
  const links = entries.filter((entry) => entry.mode === '120000');
  if (links.length === 0) return;
  const targets = await readObjects(
    gitDir,
    links.map((link) => link.oid),
    signal,
  );
  for (const link of links) {
    const target = new TextDecoder().decode(targets.get(link.oid) ?? new Uint8Array());
    const resolved = posix.normalize(posix.join(posix.dirname(link.path), target));
    if (target.startsWith('/') || resolved === '..' || resolved.startsWith('../'))
      throw new DeployError(
        Reason.InvalidConfig,
        `${link.path} is a symlink to ${target}, outside the repository: a build context may only link inside it`,
      );
  }
}

function runArchive(gitDir: string, treeish: string, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['archive', '--format=tar', treeish],
      {
        env: { ...process.env, GIT_DIR: gitDir, GIT_TERMINAL_PROMPT: '0' },
        encoding: 'buffer',
        maxBuffer: MAX_CONTEXT_BYTES,
        ...(signal && { signal }),
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if (signal?.aborted) return reject(signal.reason as Error);
        const text = maskCredentials(`${stderr.toString('utf8')}${error.message}`);
        reject(new GitReadError('git-failed', `git archive ${treeish} in ${gitDir} failed: ${text}`, { cause: error }));
      },
    );
  });
}
