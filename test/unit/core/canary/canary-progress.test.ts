import type { AppCanary } from '../../../../core/config/app-workload.js';
import type { GateResult } from '../../../../core/canary/canary-gate.js';
import {
  decideAfterCheck,
  describeStep,
  nextCheckDelay,
  settleCanary,
  startCanary,
  stepWeights,
  type CanaryDecision,
} from '../../../../core/canary/canary-progress.js';
import { canaryProgressSchema, type CanaryProgress } from '../../../../core/release/release.js';

const canary: AppCanary = {
  steps: [
    { weight: 10, pause: 60_000 },
    { weight: 30, pause: 60_000 },
    { weight: 60, pause: 120_000 },
  ],
  interval: 20_000,
  analysis: { minSuccessRate: 99, maxLatencyP99: 300, maxFailedChecks: 2 },
};
const t0 = new Date('2026-12-04T12:00:00.000Z');
const at = (ms: number): Date => new Date(t0.getTime() + ms);
const pass: GateResult = { verdict: 'pass', findings: ['canary ready 2/2'] };
const fail: GateResult = { verdict: 'fail', findings: ['canary ready 1/2'] };
const noData: GateResult = { verdict: 'inconclusive', findings: ['success rate: no requests measured in the window'] };
const fatal: GateResult = { verdict: 'fatal', findings: ['canary pods restarted 1 time(s) since it came up'] };
const started = (): CanaryProgress => startCanary('catalog', 'gateway-api', canary, 0, t0).progress;

/** Runs checks every `interval` from t0 with the gates given, acting on each decision like the worker. */
function walk(gates: readonly GateResult[]): { decisions: CanaryDecision[]; weights: number[] } {
  let progress = started();
  let now = 0;
  const decisions: CanaryDecision[] = [];
  const weights = [progress.weights.canary];
  for (const gate of gates) {
    now += nextCheckDelay(progress, canary, at(now));
    const decision = decideAfterCheck(progress, canary, gate, at(now));
    decisions.push(decision);
    progress = decision.progress;
    if (decision.kind === 'shift') weights.push(decision.weights.canary);
    if (decision.kind !== 'hold' && decision.kind !== 'shift') break;
  }
  return { decisions, weights };
}

describe('startCanary', () => {
  it("moves the route to the first step's weight and records a progress the release schema accepts", () => {
    const { weights, progress } = startCanary('catalog', 'gateway-api', canary, 1, t0);
    expect(weights).toEqual({ stable: 90, canary: 10 });
    expect(canaryProgressSchema.parse(progress)).toEqual(progress);
    expect(describeStep(progress)).toBe('step 1 of 3 (10 %)');
  });
});

describe('decideAfterCheck', () => {
  it('walks every step after its pause with passing checks, then promotes', () => {
    const { decisions, weights } = walk(Array<GateResult>(20).fill(pass));
    expect(weights).toEqual([10, 30, 60]);
    expect(decisions.at(-1)?.kind).toBe('promote');
    // 3 checks in each 1m step (every 20s), 6 in the 2m one.
    expect(decisions).toHaveLength(12);
  });

  it('holds a step whose pause is over until a check passes', () => {
    const progress = started();
    expect(decideAfterCheck(progress, canary, fail, at(60_000)).kind).toBe('hold');
  });

  it('aborts on the check after maxFailedChecks, naming the step and the gate', () => {
    const { decisions } = walk([pass, pass, pass, fail, fail, fail]);
    const last = decisions.at(-1);
    expect(last?.kind).toBe('abort');
    expect(last?.kind === 'abort' && last.message).toBe(
      'canary failed at step 2 of 3 (30 %): 3 failed checks > maxFailedChecks 2 (canary ready 1/2)',
    );
    expect(last?.progress).toMatchObject({ phase: 'aborting', failure: { step: 1 }, failedChecks: 3 });
  });

  it('counts failed checks over the whole canary, not per step', () => {
    const { decisions } = walk([fail, pass, pass, fail, pass, pass, fail]);
    expect(decisions.at(-1)?.kind).toBe('abort');
  });

  it('never promotes on checks without data', () => {
    const { decisions, weights } = walk(Array<GateResult>(20).fill(noData));
    expect(weights).toEqual([10]);
    expect(decisions.at(-1)).toMatchObject({ kind: 'abort', progress: { inconclusiveChecks: 3 } });
  });

  it('aborts at once when the canary pods restart', () => {
    const { decisions } = walk([pass, pass, pass, fatal]);
    expect(decisions.map((d) => d.kind)).toEqual(['hold', 'hold', 'shift', 'abort']);
    const last = decisions.at(-1);
    expect(last?.kind === 'abort' && last.message).toMatch(/^canary failed at step 2 of 3 \(30 %\): canary pods/);
  });

  it('keeps the latest 40 checks in the record', () => {
    let progress = started();
    for (let i = 0; i < 45; i += 1) progress = decideAfterCheck(progress, canary, pass, at(i)).progress;
    expect(progress.gates).toHaveLength(40);
    expect(progress.gates.at(-1)?.at).toBe(at(44).toISOString());
  });
});

describe('nextCheckDelay', () => {
  it('checks every interval during the pause and once at its end', () => {
    const progress = started();
    expect(nextCheckDelay(progress, canary, at(0))).toBe(20_000);
    expect(nextCheckDelay(progress, canary, at(50_000))).toBe(10_000);
  });

  it('checks at once in a step whose pause is over and that was not checked yet (a resumed worker)', () => {
    expect(nextCheckDelay(started(), canary, at(90_000))).toBe(0);
  });

  it('waits an interval between checks once the pause is over', () => {
    const held = decideAfterCheck(started(), canary, fail, at(60_000)).progress;
    expect(nextCheckDelay(held, canary, at(60_000))).toBe(20_000);
  });
});

describe('settleCanary', () => {
  it('ends an abort as aborted and a promotion as promoted, both at 100/0 on stable', () => {
    const aborting = walk([fatal]).decisions[0]?.progress;
    expect(aborting && settleCanary(aborting, at(1))).toMatchObject({
      phase: 'aborted',
      weights: { stable: 100, canary: 0 },
    });
    const promoting = walk(Array<GateResult>(20).fill(pass)).decisions.at(-1)?.progress;
    expect(promoting && settleCanary(promoting, at(1)).phase).toBe('promoted');
  });

  it('refuses a step the canary does not have', () => {
    expect(() => stepWeights(canary, 3)).toThrow('canary has no step 4');
  });
});
