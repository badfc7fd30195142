import type { EnvConfig } from '../config/env-config.js';
import { isRetryable, Reason } from '../reasons.js';
import type { Release, ReleaseKind, ReleaseOutcome, RollbackTarget } from '../release/release.js';
import { lastGoodRelease } from '../release/release-history.js';

/** An attempt that did not succeed, as the rollback decision needs to know it. */
export interface FailedAttempt {
  readonly kind: ReleaseKind;
  readonly revision: number;
  readonly sha: string;
  readonly manifestDigest: string;
  readonly reason: Reason;
  readonly message: string;
  /** Whether anything was applied or deleted before it failed (a failed validation changes nothing). */
  readonly clusterChanged: boolean;
}

/**
 * Why no rollback happens although the attempt failed. `superseded`: not a failure, a newer commit continues.
 * `failed-rollback`: the attempt was itself a rollback; rolling back a rollback could loop. `nothing-applied`: the
 * cluster is as the last release left it. `first-deploy`: there is no earlier good release. `same-as-last-good`:
 * the last good release renders exactly the same manifests, so re-applying them would change nothing.
 */
export type NoRollbackWhy = 'superseded' | 'failed-rollback' | 'nothing-applied' | 'first-deploy' | 'same-as-last-good';

export type RollbackDecision =
  | { readonly kind: 'rollback-to'; readonly target: Release }
  | { readonly kind: 'none'; readonly why: NoRollbackWhy }
  /** The environment has `rollback.automatic: false`. */
  | { readonly kind: 'disabled' };

/** Decides whether a failed attempt is rolled back, and to which release. */
export function decideRollback(
  attempt: FailedAttempt,
  settings: Pick<EnvConfig['rollback'], 'automatic'>,
  history: readonly Release[],
): RollbackDecision {
  if (attempt.reason === Reason.Superseded) return { kind: 'none', why: 'superseded' };
  if (attempt.kind === 'rollback') return { kind: 'none', why: 'failed-rollback' };
  if (!attempt.clusterChanged) return { kind: 'none', why: 'nothing-applied' };
  if (!settings.automatic) return { kind: 'disabled' };
  const target = lastGoodRelease(history, attempt.revision);
  if (target === undefined) return { kind: 'none', why: 'first-deploy' };
  if (target.manifestDigest === attempt.manifestDigest) return { kind: 'none', why: 'same-as-last-good' };
  return { kind: 'rollback-to', target };
}

/** How an attempt ends up recorded: the fields of its {@link Release} that say what happened. */
export interface SettledOutcome {
  readonly outcome: ReleaseOutcome;
  readonly reason: Reason;
  readonly message: string;
  readonly rolledBackTo?: RollbackTarget;
}

const WHY_TEXT: Readonly<Record<NoRollbackWhy | 'disabled', string>> = {
  superseded: 'a newer commit took over',
  'failed-rollback': 'it was itself a rollback, so it is not rolled back again',
  'nothing-applied': 'nothing was applied, so there is nothing to roll back',
  'first-deploy': 'not rolled back: there is no earlier good release (first deploy)',
  'same-as-last-good': 'not rolled back: the last good release has the same manifests',
  disabled: 'not rolled back: automatic rollback is off (rollback.automatic: false in env.yaml)',
};

/** The outcome of a failed attempt that is not rolled back. */
export function settleWithoutRollback(
  attempt: FailedAttempt,
  decision: Exclude<RollbackDecision, { kind: 'rollback-to' }>,
): SettledOutcome {
  const why = decision.kind === 'disabled' ? 'disabled' : decision.why;
  const outcome: ReleaseOutcome = why === 'superseded' ? 'superseded' : 'failed';
  return { outcome, reason: attempt.reason, message: `${attempt.message}; ${WHY_TEXT[why]}` };
}

/** How a rollback attempt went. */
export type RollbackResult =
  { readonly kind: 'succeeded' } | { readonly kind: 'failed'; readonly reason: Reason; readonly message: string };

/** What to do after a rollback attempt: try it once more (transient failure), or record the final outcome. */
export type AfterRollback =
  { readonly kind: 'retry'; readonly nextTry: number } | ({ readonly kind: 'settled' } & SettledOutcome);

/** How many times a rollback is tried before the environment is handed to a person. */
export const MAX_ROLLBACK_TRIES = 3;

/**
 * Decides what follows a rollback attempt. Success records the failed attempt as `rolled-back`. A transient failure
 * (apiserver 5xx, 429, unreachable) is tried again, at most {@link MAX_ROLLBACK_TRIES} times in all; any other
 * failure, or the last try, records `rollback-failed` with reason `RollbackFailed`, loudly, and stops: a rollback is
 * never retried forever.
 *
 * @param tries how many rollback tries have run, this one included (1 for the first)
 */
export function afterRollback(
  attempt: FailedAttempt,
  target: Pick<Release, 'revision' | 'commit'>,
  result: RollbackResult,
  tries: number,
  maxTries = MAX_ROLLBACK_TRIES,
): AfterRollback {
  const rolledBackTo = { revision: target.revision, sha: target.commit };
  const to = `revision ${target.revision} (${target.commit.slice(0, 7)})`;
  if (result.kind === 'succeeded') {
    return {
      kind: 'settled',
      outcome: 'rolled-back',
      reason: attempt.reason,
      message: `${attempt.message}; rolled back to ${to}`,
      rolledBackTo,
    };
  }
  if (isRetryable(result.reason) && tries < maxTries) return { kind: 'retry', nextTry: tries + 1 };
  return {
    kind: 'settled',
    outcome: 'rollback-failed',
    reason: Reason.RollbackFailed,
    message: `${attempt.message}; rolling back to ${to} failed too (${result.reason}, after ${tries} ${tries === 1 ? 'try' : 'tries'}): ${result.message}. The environment is in neither release's state and needs a person: see gantry history --env and gantry rollback --env`,
  };
}
