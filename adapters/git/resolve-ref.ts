// What a person means by a ref on the command line (`gantry apply --ref release`), resolved in a local checkout.
import { gitIn } from './git-client.js';

/**
 * The full commit sha `ref` names in the work tree at `dir`, looked up the way a git user expects a branch name to
 * work (as `git checkout release` does), in this order: the local branch `ref`; the remote-tracking branch
 * `origin/<ref>` (or `<remote>/<ref>` when exactly one remote has it); the tag `ref`; then anything
 * `git rev-parse` takes (a sha or its prefix, `HEAD~1`, `origin/main`, `refs/...`).
 *
 * Plain `git rev-parse release` looks for refs/heads/release and refs/remotes/release but never
 * refs/remotes/origin/release, so a branch that was never checked out locally failed (issue 7, item 9).
 *
 * @throws Error starting with `--ref <ref>:` when nothing matches, or when several remotes have the branch
 */
export async function resolveRef(dir: string, ref: string, options: { signal?: AbortSignal } = {}): Promise<string> {
  // A ref that git would read as an option is no ref (and must never reach git as one).
  if (ref === '' || ref.startsWith('-')) throw new Error(`--ref ${JSON.stringify(ref)}: not a branch, tag or commit`);
  const git = gitIn(dir, options);
  const commitOf = async (name: string): Promise<string | undefined> => {
    try {
      const sha = (await git.raw(['rev-parse', '--verify', '--quiet', `${name}^{commit}`])).trim();
      return sha === '' ? undefined : sha;
    } catch {
      return undefined;
    }
  };
  const local = await commitOf(`refs/heads/${ref}`);
  if (local !== undefined) return local;
  const remote = await remoteTrackingBranch(ref, git);
  if (remote !== undefined) return (await commitOf(remote)) ?? unresolved(ref, dir);
  return (await commitOf(`refs/tags/${ref}`)) ?? (await commitOf(ref)) ?? unresolved(ref, dir);
}

/** `refs/remotes/origin/<ref>`, else the one `refs/remotes/<remote>/<ref>`; several without origin is ambiguous. */
async function remoteTrackingBranch(ref: string, git: ReturnType<typeof gitIn>): Promise<string | undefined> {
  // refs/remotes/origin/HEAD is the remote's default branch, not what `HEAD` means to a person here.
  if (ref === 'HEAD') return undefined;
  const listed = await git.raw(['for-each-ref', '--format=%(refname)', 'refs/remotes/']);
  const matches = listed
    .split('\n')
    .filter((name) => /^refs\/remotes\/[^/]+\//.test(name) && name.replace(/^refs\/remotes\/[^/]+\//, '') === ref);
  if (matches.length <= 1) return matches[0];
  const origin = matches.find((name) => name === `refs/remotes/origin/${ref}`);
  if (origin !== undefined) return origin;
  throw new Error(
    `--ref ${ref}: several remotes have a branch of that name (${matches.map((m) => m.slice('refs/remotes/'.length)).join(', ')}); name one, for example --ref ${matches[0]?.slice('refs/remotes/'.length)}`,
  );
}

function unresolved(ref: string, dir: string): never {
  throw new Error(
    `--ref ${ref}: no branch, remote-tracking branch, tag or commit of that name in ${dir} (looked for refs/heads/${ref}, refs/remotes/<remote>/${ref}, refs/tags/${ref} and a commit); if it exists on the remote, run git fetch first`,
  );
}
