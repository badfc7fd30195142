import type { HandlerContext } from './handler.js';

/**
 * The commit a `{ref}` names. A 40-hex sha names itself; a branch name (`main`, `heads/main`, `refs/heads/main`)
 * resolves through the seeded pull requests' head and base refs, the only branches the emulator knows. Anything
 * else is taken as a sha, so statuses and checks on unknown refs simply list empty, as for a fresh commit.
 */
export function resolveRef(context: HandlerContext, repoKey: string, ref: string): string {
  if (/^[0-9a-f]{40}$/i.test(ref)) return ref.toLowerCase();
  const branch = ref.replace(/^refs\//, '').replace(/^heads\//, '');
  let sha: string | undefined;
  for (const pull of context.state.pulls.values()) {
    if (pull.repoKey !== repoKey) continue;
    if (pull.head.ref === branch) sha = pull.head.sha;
    else if (pull.base.ref === branch) sha = pull.base.sha;
  }
  return sha ?? ref;
}
