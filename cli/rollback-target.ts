// Which release `gantry rollback` goes back to, and when there is none, a message that says why: a commit whose
// releases all failed, a release trimmed from the history, a commit never deployed, a prefix naming two commits.
import type { Release } from '../core/release/release.js';

/** What git accepts as an abbreviated commit name: 4 to 40 hex digits. */
export const COMMIT_PREFIX = /^[0-9a-f]{4,40}$/i;

/**
 * The release to go back to, or a message saying why there is none.
 *
 * @param releases the environment's history, newest first (as the store lists it)
 * @param to a commit SHA or prefix (checked against {@link COMMIT_PREFIX} by the caller); undefined: the newest
 *   succeeded release older than the current one
 * @param limit the environment's `history.limit`, to explain trimmed releases
 */
export function pickTarget(releases: readonly Release[], to: string | undefined, limit: number): Release | string {
  const [current, ...older] = releases;
  if (current === undefined) return 'no releases recorded';
  const trimmed = trimmedRevisions(releases);
  const trimmedNote =
    trimmed.length === 0 ? '' : `; releases ${ranges(trimmed)} were trimmed (history.limit is ${limit})`;
  if (to === undefined)
    return older.find((r) => r.outcome === 'succeeded') ?? `no succeeded release before the current one${trimmedNote}`;

  const prefix = to.toLowerCase();
  const ofCommit = releases.filter((r) => r.commit.startsWith(prefix));
  const succeeded = ofCommit.filter((r) => r.outcome === 'succeeded');
  const commits = [...new Set(succeeded.map((r) => r.commit))];
  if (commits.length > 1) {
    const named = commits.map(
      (commit) => `${commit.slice(0, 12)} (revision ${succeeded.find((r) => r.commit === commit)?.revision})`,
    );
    return `--to ${to} is ambiguous: succeeded releases of ${named.join(', ')} match it; give more digits`;
  }
  if (succeeded[0] !== undefined) return succeeded[0];
  if (ofCommit.length > 0) {
    const ended = ofCommit.map(
      (r) => `revision ${r.revision} ${r.outcome}${r.reason === undefined ? '' : ` (${r.reason})`}`,
    );
    return `no succeeded release of commit ${to}: ${ended.join(', ')}`;
  }
  const environment = current.environment;
  if (trimmed.length > 0)
    return (
      `no kept release of commit ${to}: releases ${ranges(trimmed)} were trimmed from the history (history.limit is ` +
      `${limit}), so it may have been one of them; to run it again, deploy it: gantry apply --env ${environment} --ref ${to}`
    );
  const all = current.revision === 1 ? 'revision 1' : `revisions 1–${current.revision}`;
  return `no release of commit ${to} in the history (${all}, none trimmed): it was never deployed to ${environment}`;
}

/** The revisions below the newest that are no longer recorded (revisions count 1, 2, 3... per environment). */
function trimmedRevisions(releases: readonly Release[]): number[] {
  const kept = new Set(releases.map((r) => r.revision));
  const newest = Math.max(...kept);
  return Array.from({ length: newest }, (_, i) => i + 1).filter((revision) => !kept.has(revision));
}

/** `1–5, 7`: ascending revisions as ranges. */
function ranges(revisions: readonly number[]): string {
  const parts: string[] = [];
  let start = revisions[0];
  for (let i = 0; i < revisions.length && start !== undefined; i += 1) {
    const here = revisions[i] ?? start;
    const next = revisions[i + 1];
    if (next === here + 1) continue;
    parts.push(here === start ? `${here}` : `${start}–${here}`);
    start = next;
  }
  return parts.join(', ');
}
