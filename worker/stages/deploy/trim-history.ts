import type { EnvConfig } from '../../../core/config/env-config.js';
import { DeployError } from '../../../core/deploy-error.js';
import type { DeployRun } from './deploy-run.js';

/**
 * Step 10, last: trims the environment's release history to `history.limit` records, after every settled attempt
 * (success, failure, rollback) rather than only after a success, so a run of failures cannot grow it without end.
 *
 * What is kept: the `limit` newest records, and the last good (`succeeded`) release even when it is older, since
 * it is the only thing an automatic rollback can go back to (the store's `prune` applies core/release's
 * `releasesToKeep`). So after many failures the history holds at most `limit + 1` records.
 *
 * What that costs: the next attempt prunes from the inventories of the releases back to the last good one
 * (core/release's `inventoryToPrune`), and a failed record trimmed from between them takes its inventory along. Only an
 * object that a failed attempt added and that was never rolled back or pruned since can be forgotten that way:
 * a rollback prunes what the failed attempt added, and every later attempt that no longer renders the object
 * deletes it in step 8 before its rollout can fail; it would take `limit` attempts in a row failing in step 7.
 * Keeping every record back to the last good one would close that gap only by giving up the limit.
 *
 * Trimming is housekeeping: a cluster error is logged and the attempt's outcome stands (the next attempt trims
 * again), so a failed delete never turns a settled deploy into a retried one.
 */
export async function trimHistory(run: DeployRun, env: EnvConfig): Promise<void> {
  try {
    const removed = await run.deps.releaseStore(env).prune(env.history.limit, { signal: run.signal });
    if (removed.length > 0) run.ctx.log.info({ revisions: removed }, `removed ${removed.length} old release record(s)`);
  } catch (error) {
    if (!(error instanceof DeployError) || run.signal.aborted) throw error;
    run.ctx.log.warn({ err: error }, 'could not trim the release history; the next deploy tries again');
  }
}
