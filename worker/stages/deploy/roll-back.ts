import { setTimeout as sleep } from 'node:timers/promises';
import { stagesFor } from '../../../core/apply/apply-order.js';
import type { EnvConfig } from '../../../core/config/env-config.js';
import { DeployError } from '../../../core/deploy-error.js';
import { needsHealthWait } from '../../../core/health/health-kinds.js';
import type { ObjectRef } from '../../../core/kube/object.js';
import { refOf } from '../../../core/kube/object.js';
import type { StoredRelease } from '../../../core/ports/release-store.js';
import { planPrune } from '../../../core/prune/plan-prune.js';
import { Reason } from '../../../core/reasons.js';
import type { FailedAttempt, RollbackResult, SettledOutcome } from '../../../core/rollback/decide-rollback.js';
import { afterRollback, MAX_ROLLBACK_TRIES } from '../../../core/rollback/decide-rollback.js';
import { applyStages } from './apply-changes.js';
import { handOverToAutoscalers } from './hand-over-to-autoscalers.js';
import { readLive } from './compute-diff.js';
import type { DeployRun } from './deploy-run.js';
import { pruneObjects } from './prune-objects.js';
import { waitForHealth } from './wait-for-health.js';

/** Pause before trying a rollback again after a transient failure. */
const RETRY_PAUSE_MS = 2_000;

/**
 * Step 10, the rollback: re-applies the last good release's manifests as the release store holds them (never a
 * re-render of its commit), prunes what the failed release added, and waits for health. Recorded as a release of
 * its own (`rollbackOf` the good one), so the history reads "failed, then rollback". Transient failures are tried
 * again, at most MAX_ROLLBACK_TRIES times counting tries of earlier (crashed) runs; then it is settled as failed.
 *
 * @param failedInventory what the failed release set out to apply: its objects the good one lacks are pruned
 */
export async function rollBack(
  run: DeployRun,
  env: EnvConfig,
  attempt: FailedAttempt,
  failedInventory: readonly ObjectRef[],
  target: StoredRelease,
): Promise<SettledOutcome> {
  const store = run.deps.releaseStore(env);
  const good = target.release;
  const draft = {
    deployId: `${run.deployId}/rollback`,
    commit: good.commit,
    manifestDigest: good.manifestDigest,
    inventory: good.inventory,
    outcome: 'deploying' as const,
    rollbackOf: good.revision,
    ...(good.images && { images: good.images }),
    startedAt: new Date(run.deps.now()).toISOString(),
  };
  const record = await store.record(draft, target.manifests, { signal: run.signal });
  run.ctx.log.warn(
    { revision: attempt.revision, to: good.revision, sha: good.commit },
    `rolling back to revision ${good.revision} (${good.commit.slice(0, 7)})`,
  );
  for (;;) {
    const tries = (run.data.rollbackTries ?? 0) + 1;
    await run.save('rollback', { rollbackTries: tries });
    const result =
      tries > MAX_ROLLBACK_TRIES ? interrupted(tries - 1) : await restore(run, env, failedInventory, target);
    const after = afterRollback(attempt, good, result, Math.min(tries, MAX_ROLLBACK_TRIES));
    if (after.kind === 'retry') {
      run.ctx.log.warn(
        { tries, reason: result.kind === 'failed' ? result.reason : undefined },
        'rollback failed for a transient reason; trying again',
      );
      await sleep(RETRY_PAUSE_MS, undefined, { signal: run.signal });
      continue;
    }
    const finishedAt = new Date(run.deps.now()).toISOString();
    const succeeded = after.outcome === 'rolled-back';
    await store.update(
      record.revision,
      succeeded
        ? { outcome: 'succeeded', finishedAt }
        : { outcome: 'failed', reason: Reason.RollbackFailed, message: after.message, finishedAt },
      { signal: run.signal },
    );
    return after;
  }
}

/** Puts the good release's objects back and waits for them; any failure becomes a RollbackResult. */
async function restore(
  run: DeployRun,
  env: EnvConfig,
  failedInventory: readonly ObjectRef[],
  target: StoredRelease,
): Promise<RollbackResult> {
  const { fieldManager, healthPolling, now } = run.deps;
  const cluster = run.deps.clusterFor(env);
  const signal = run.signal;
  try {
    // Stored manifests leave autoscaled replicas out already; hand them over the same way a deploy does.
    const manifests = await handOverToAutoscalers(target.manifests, cluster, { fieldManager, signal });
    await applyStages(stagesFor(manifests), 0, cluster, { fieldManager, signal }, async () => undefined);
    const rendered = target.manifests.map(refOf);
    const live = await readLive(failedInventory, cluster, signal);
    const prune = planPrune({ previousInventory: failedInventory, rendered, live, prune: env.apply.prune });
    await pruneObjects(prune.delete, cluster, signal);
    const { verdict } = await waitForHealth(rendered.filter(needsHealthWait), cluster, {
      timeoutMs: env.rollout.timeout,
      polling: healthPolling,
      signal,
      now,
    });
    return verdict.kind === 'healthy'
      ? { kind: 'succeeded' }
      : { kind: 'failed', reason: verdict.reason, message: verdict.message };
  } catch (error) {
    if (error instanceof DeployError && !signal.aborted)
      return { kind: 'failed', reason: error.reason, message: error.message };
    throw error;
  }
}

/** Earlier runs used up every try without settling (each was cut short): give up rather than loop. */
function interrupted(tries: number): RollbackResult {
  return { kind: 'failed', reason: Reason.RollbackFailed, message: `the rollback was interrupted ${tries} times` };
}
