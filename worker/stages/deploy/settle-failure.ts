import type { EnvConfig } from '../../../core/config/env-config.js';
import { DeployError } from '../../../core/deploy-error.js';
import type { ReleaseUpdate } from '../../../core/ports/release-store.js';
import type { FailedAttempt, SettledOutcome } from '../../../core/rollback/decide-rollback.js';
import { decideRollback, settleWithoutRollback } from '../../../core/rollback/decide-rollback.js';
import type { DeployRun } from './deploy-run.js';
import type { AttemptFailure } from './deploy-types.js';
import { rollBack } from './roll-back.js';

/**
 * Step 10 on failure: records the release as `failed` first (so a worker dying now leaves the truth behind), asks
 * core/rollback whether to roll back (the env's `rollback.automatic`, an earlier good release, anything applied at
 * all), rolls back when it says so, and records the final outcome on the failed release: `rolled-back`, or
 * `failed` with why no rollback happened or why the rollback failed.
 */
export async function settleFailure(
  run: DeployRun,
  env: EnvConfig,
  revision: number,
  failure: AttemptFailure,
): Promise<SettledOutcome> {
  const store = run.deps.releaseStore(env);
  const options = { signal: run.signal };
  const finishedAt = () => new Date(run.deps.now()).toISOString();
  const failed = await store.update(
    revision,
    {
      outcome: 'failed',
      reason: failure.reason,
      message: failure.message,
      finishedAt: finishedAt(),
      timings: run.data.timings,
    },
    options,
  );
  const attempt: FailedAttempt = {
    kind: 'deploy',
    revision,
    sha: failed.commit,
    manifestDigest: failed.manifestDigest,
    reason: failure.reason,
    message: failure.message,
    clusterChanged: failure.clusterChanged,
  };
  const history = await store.list(options);
  const decision = decideRollback(attempt, env.rollback, history);
  let settled: SettledOutcome;
  if (decision.kind === 'rollback-to') {
    const target = await store.get(decision.target.revision, options);
    if (target === undefined)
      throw new DeployError(
        'ReleaseRecordInvalid',
        `release ${decision.target.revision} of ${env.name} disappeared before it could be rolled back to`,
      );
    settled = await rollBack(run, env, attempt, failed.inventory, target);
  } else {
    settled = settleWithoutRollback(attempt, decision);
  }
  const update: ReleaseUpdate = {
    outcome: settled.outcome,
    reason: settled.reason,
    message: settled.message,
    finishedAt: finishedAt(),
    timings: run.data.timings,
  };
  await store.update(revision, update, options);
  return settled;
}
