import type { FailedAttempt } from '../../../../core/rollback/decide-rollback.js';
import {
  afterRollback,
  decideRollback,
  MAX_ROLLBACK_TRIES,
  settleWithoutRollback,
} from '../../../../core/rollback/decide-rollback.js';
import { release } from '../releases.js';

const attempt = (fields: Partial<FailedAttempt> = {}): FailedAttempt => ({
  kind: 'deploy',
  revision: 5,
  sha: 'b'.repeat(40),
  manifestDigest: 'sha256:new',
  reason: 'ProgressDeadlineExceeded',
  message: 'Deployment/shop/api: rollout exceeded its progress deadline',
  clusterChanged: true,
  ...fields,
});
const history = [release(2, 'succeeded', { commit: 'a'.repeat(40) }), release(3, 'failed'), release(4, 'rolled-back')];
const on = { automatic: true };

describe('decideRollback', () => {
  it('goes back to the newest good release before the failed one', () => {
    expect(decideRollback(attempt(), on, history)).toEqual({ kind: 'rollback-to', target: history[0] });
  });

  it('ignores good releases newer than the failed attempt', () => {
    expect(decideRollback(attempt({ revision: 2 }), on, [...history, release(1, 'succeeded')])).toMatchObject({
      kind: 'rollback-to',
      target: { revision: 1 },
    });
  });

  it.each([
    ['the first deploy', attempt(), [release(3, 'failed')], 'first-deploy'],
    [
      'a failure before anything was applied',
      attempt({ clusterChanged: false, reason: 'ValidationFailed' }),
      history,
      'nothing-applied',
    ],
    ['a superseded attempt', attempt({ reason: 'Superseded' }), history, 'superseded'],
    ['a failed rollback', attempt({ kind: 'rollback' }), history, 'failed-rollback'],
    ['a render identical to the last good one', attempt({ manifestDigest: 'sha256:2' }), history, 'same-as-last-good'],
  ] as const)('does not roll back %s', (_name, failed, releases, why) => {
    expect(decideRollback(failed, on, releases)).toEqual({ kind: 'none', why });
  });

  it('does not roll back when the environment turned automatic rollback off', () => {
    expect(decideRollback(attempt(), { automatic: false }, history)).toEqual({ kind: 'disabled' });
  });
});

describe('settleWithoutRollback', () => {
  it('records a failure with the reason it was not rolled back', () => {
    expect(settleWithoutRollback(attempt(), { kind: 'disabled' })).toEqual({
      outcome: 'failed',
      reason: 'ProgressDeadlineExceeded',
      message:
        'Deployment/shop/api: rollout exceeded its progress deadline; not rolled back: automatic rollback is off (rollback.automatic: false in env.yaml)',
    });
    expect(settleWithoutRollback(attempt(), { kind: 'none', why: 'first-deploy' }).message).toContain(
      'no earlier good release (first deploy)',
    );
  });

  it('records a superseded attempt as superseded, not failed', () => {
    expect(settleWithoutRollback(attempt({ reason: 'Superseded' }), { kind: 'none', why: 'superseded' }).outcome).toBe(
      'superseded',
    );
  });
});

describe('afterRollback', () => {
  const target = { revision: 2, commit: 'a'.repeat(40) };

  it('records a successful rollback as rolled-back, keeping the original reason', () => {
    expect(afterRollback(attempt(), target, { kind: 'succeeded' }, 1)).toEqual({
      kind: 'settled',
      outcome: 'rolled-back',
      reason: 'ProgressDeadlineExceeded',
      message: 'Deployment/shop/api: rollout exceeded its progress deadline; rolled back to revision 2 (aaaaaaa)',
      rolledBackTo: { revision: 2, sha: target.commit },
    });
  });

  it('tries again after a transient failure, but only a bounded number of times', () => {
    const transient = { kind: 'failed', reason: 'ApiServerError', message: 'HTTP 503' } as const;
    expect(afterRollback(attempt(), target, transient, 1)).toEqual({ kind: 'retry', nextTry: 2 });
    expect(afterRollback(attempt(), target, transient, MAX_ROLLBACK_TRIES)).toMatchObject({
      kind: 'settled',
      outcome: 'rollback-failed',
      reason: 'RollbackFailed',
    });
  });

  it('gives up at once on a terminal failure and says loudly that a person is needed', () => {
    const result = afterRollback(
      attempt(),
      target,
      { kind: 'failed', reason: 'ImmutableFieldChanged', message: 'spec.selector is immutable' },
      1,
    );
    expect(result).toMatchObject({ kind: 'settled', outcome: 'rollback-failed', reason: 'RollbackFailed' });
    expect(result.kind === 'settled' && result.message).toBe(
      "Deployment/shop/api: rollout exceeded its progress deadline; rolling back to revision 2 (aaaaaaa) failed too (ImmutableFieldChanged, after 1 try): spec.selector is immutable. The environment is in neither release's state and needs a person: see gantry history --env and gantry rollback --env",
    );
  });
});
