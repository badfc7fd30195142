// A deploy that changes nothing (a redelivery, `gantry apply` of a commit already running) records no release of
// its own: before, each one added a record, and with `history.limit: 5` a few redeliveries trimmed away the good
// releases a rollback goes back to (issue 7, item 6). The current release is re-verified instead.
import type { ChangeSet } from '../../../core/diff/change-set.js';
import { applyList, pruneList } from '../../../core/diff/change-set.js';
import { aggregateHealth } from '../../../core/health/aggregate-health.js';
import type { ReleaseStore } from '../../../core/ports/release-store.js';
import type { Release } from '../../../core/release/release.js';
import { latestRelease } from '../../../core/release/release-history.js';
import { succeededResult } from './deploy-results.js';
import type { DeployRun } from './deploy-run.js';
import type { DeployResult } from './deploy-types.js';

/**
 * The release this deploy would only repeat: the newest release, when it succeeded with the same commit and the
 * same manifests and the ChangeSet applies and deletes nothing. Undefined when the deploy must be recorded
 * (something changes, the newest release failed or is still deploying, the render differs in what a later
 * rollback would re-apply, or another commit is being deployed). A new commit whose manifests happen to be
 * identical is recorded: the environment now runs that commit, its status and history must say so, and a later
 * rollback goes back to it by its own sha (as Argo CD's history records each synced revision).
 */
export async function unchangedCurrent(
  store: ReleaseStore,
  changeSet: ChangeSet,
  commit: string,
  digest: string,
  signal: AbortSignal,
): Promise<Release | undefined> {
  if (applyList(changeSet).length > 0 || pruneList(changeSet).length > 0) return undefined;
  const current = latestRelease(await store.list({ signal }));
  const same = current?.outcome === 'succeeded' && current.commit === commit && current.manifestDigest === digest;
  return same ? current : undefined;
}

/**
 * Steps 6–10 for a deploy that changes nothing: the current release's `verifiedAt` moves to now, and the result
 * names that release. Nothing is applied, pruned or awaited (nothing changed, as in any deploy's empty wait set).
 */
export async function confirmCurrent(
  run: DeployRun,
  store: ReleaseStore,
  changeSet: ChangeSet,
  current: Release,
): Promise<DeployResult> {
  await store.update(current.revision, { verifiedAt: new Date(run.deps.now()).toISOString() }, { signal: run.signal });
  const health = aggregateHealth([]);
  const result = succeededResult(run, changeSet, health, current.revision);
  const still = `release ${current.revision} (${current.commit.slice(0, 7)}) is still current; no new release recorded`;
  return run.finish({ ...result, message: `${result.message}; ${still}` });
}
