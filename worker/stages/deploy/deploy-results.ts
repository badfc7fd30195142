// Building the DeployResult for each way a deploy ends, and telling the failures that end it (terminal) from the
// ones the queue should retry (transient, aborts, bugs).
import { ConfigError } from '../../../core/config/config-error.js';
import type { ChangeSet } from '../../../core/diff/change-set.js';
import { countActions } from '../../../core/diff/change-set.js';
import { DeployError } from '../../../core/deploy-error.js';
import type { AggregateHealth } from '../../../core/health/aggregate-health.js';
import type { ObjectRef } from '../../../core/kube/object.js';
import { Reason } from '../../../core/reasons.js';
import type { SettledOutcome } from '../../../core/rollback/decide-rollback.js';
import type { DeployRun } from './deploy-run.js';
import type { AttemptFailure, DeployResult } from './deploy-types.js';

/**
 * The error as a terminal DeployError, or undefined when the job should rather be retried: a transient error
 * (after the adapters' own retries), an abort (the run stops; a later run resumes), or an unexpected error (a bug
 * fails the job after its last attempt instead of being reported as the commit's fault).
 */
export function asTerminal(error: unknown): DeployError | undefined {
  if (error instanceof DeployError) return error.terminal ? error : undefined;
  if (error instanceof ConfigError) return new DeployError(Reason.InvalidConfig, error.message, { cause: error });
  return undefined;
}

/** The object a DeployError (or the error it wraps) is about. */
export function blamedRef(error: DeployError): ObjectRef | undefined {
  if (error.ref) return error.ref;
  return error.cause instanceof DeployError ? blamedRef(error.cause) : undefined;
}

/** An attempt failure from a terminal error raised while applying or pruning. */
export function failureOf(error: DeployError, clusterChanged: boolean): AttemptFailure {
  const ref = blamedRef(error);
  return { reason: error.reason, message: error.message, clusterChanged, ...(ref && { ref }) };
}

/** A deploy (or dry run) that failed before anything was recorded or applied. */
export function failedEarly(run: DeployRun, error: DeployError, changeSet?: ChangeSet): DeployResult {
  const ref = blamedRef(error);
  return {
    ...base(run),
    outcome: 'failed',
    reason: error.reason,
    message: error.message,
    ...(ref && { ref }),
    ...(changeSet && { changeSet }),
  };
}

/** A dry run: what would change, nothing applied. */
export function dryRunResult(run: DeployRun, changeSet: ChangeSet): DeployResult {
  return {
    ...base(run),
    outcome: 'succeeded',
    message: `dry run, nothing applied: ${describeChanges(changeSet)}`,
    changeSet,
  };
}

/** Applied and healthy. */
export function succeededResult(
  run: DeployRun,
  changeSet: ChangeSet,
  health: AggregateHealth,
  revision: number,
): DeployResult {
  return {
    ...base(run),
    outcome: 'succeeded',
    message: `${describeChanges(changeSet)}; ${health.message}`,
    changeSet,
    health,
    revision,
  };
}

/** Applied, failed, and settled by the rollback decision (rolled back, or why not). */
export function settledResult(
  run: DeployRun,
  settled: SettledOutcome,
  failure: AttemptFailure,
  changeSet: ChangeSet,
  revision: number,
): DeployResult {
  return {
    ...base(run),
    // core/rollback never settles an attempt as still deploying; should it, the attempt did not succeed.
    outcome: settled.outcome === 'deploying' ? 'failed' : settled.outcome,
    reason: settled.reason,
    message: settled.message,
    changeSet,
    revision,
    ...(failure.ref && { ref: failure.ref }),
    ...(run.data.health && { health: run.data.health }),
    ...(settled.rolledBackTo && { rolledBackTo: settled.rolledBackTo }),
  };
}

function base(run: DeployRun): Pick<DeployResult, 'environment' | 'sha' | 'mode' | 'timings'> {
  return {
    environment: run.request.environment,
    sha: run.request.sha,
    mode: run.request.mode,
    timings: run.data.timings,
  };
}

/** `created 2, configured 1, deleted 1 (12 unchanged)`, or `change nothing (12 unchanged)`. */
export function describeChanges(changeSet: ChangeSet): string {
  const counts = countActions(changeSet);
  const changes = (['created', 'configured', 'deleted'] as const)
    .filter((action) => counts[action] > 0)
    .map((action) => `${action} ${counts[action]}`);
  const rest = counts.unchanged > 0 ? ` (${counts.unchanged} unchanged)` : '';
  return `${changes.length === 0 ? 'changed nothing' : changes.join(', ')}${rest}`;
}
