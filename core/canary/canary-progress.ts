// Where one app's canary stands, as the release record keeps it (see `canaryProgressSchema` in release/release.ts):
// the step, the weights the route holds, each check's verdict. The worker records it before acting on it, so a
// worker killed mid-canary resumes at the recorded step with the recorded weights, never back at 0 % with traffic
// already shifted.
import type { CanaryProgress, CanaryGateRecord } from '../release/release.js';
import type { AppCanary } from '../config/app-workload.js';
import type { RouteWeights } from '../ports/traffic-router.js';
import type { GateResult } from './canary-gate.js';

/** What the worker does next for one canary. */
export type CanaryDecision =
  /** Keep the current weights; check again after `canary.interval`. */
  | { readonly kind: 'hold'; readonly progress: CanaryProgress }
  /** Set the route to `weights` (the next step), then keep checking. */
  | { readonly kind: 'shift'; readonly progress: CanaryProgress; readonly weights: RouteWeights }
  /** The last step passed: the stable version takes the canary's template, the route goes to 100/0 on it. */
  | { readonly kind: 'promote'; readonly progress: CanaryProgress }
  /** A gate failed past its limit: stable Available first, then the route to 100/0 on it, the canary scaled down. */
  | { readonly kind: 'abort'; readonly progress: CanaryProgress; readonly message: string };

/** Checks kept per canary in the record: enough for the check run, bounded so the record stays small. */
const MAX_GATE_RECORDS = 40;

export const ALL_STABLE: RouteWeights = Object.freeze({ stable: 100, canary: 0 });

/** The first step: the canary is up and ready, the route moves to the first step's weight. */
export function startCanary(
  app: string,
  provider: string,
  canary: AppCanary,
  restartsAtStart: number,
  now: Date,
): { readonly progress: CanaryProgress; readonly weights: RouteWeights } {
  const weights = stepWeights(canary, 0);
  return {
    weights,
    progress: {
      app,
      provider,
      phase: 'stepping',
      step: 0,
      steps: canary.steps.length,
      weights,
      stepStartedAt: now.toISOString(),
      restartsAtStart,
      failedChecks: 0,
      inconclusiveChecks: 0,
      gates: [],
    },
  };
}

/** The route's weights during step `index` (0-based). */
export function stepWeights(canary: AppCanary, index: number): RouteWeights {
  const step = canary.steps[index];
  if (!step) throw new RangeError(`canary has no step ${index + 1}`);
  return { stable: 100 - step.weight, canary: step.weight };
}

/** `step 2 of 3 (20 %)`: how reports and failure messages name a step. */
export function describeStep(progress: Pick<CanaryProgress, 'step' | 'steps' | 'weights'>): string {
  return `step ${progress.step + 1} of ${progress.steps} (${progress.weights.canary} %)`;
}

/**
 * Folds one check into the progress and decides: hold, shift to the next step, promote, or abort. A step advances
 * only when its pause has elapsed and its latest check passed; failed and inconclusive checks each count against
 * `maxFailedChecks` over the whole canary; restarted canary pods abort at once.
 */
export function decideAfterCheck(
  progress: CanaryProgress,
  canary: AppCanary,
  gate: GateResult,
  now: Date,
): CanaryDecision {
  const record: CanaryGateRecord = {
    step: progress.step,
    verdict: gate.verdict,
    findings: [...gate.findings],
    at: now.toISOString(),
    weights: progress.weights,
  };
  const gates = [...progress.gates, record].slice(-MAX_GATE_RECORDS);
  const limit = canary.analysis.maxFailedChecks;
  const failedChecks = progress.failedChecks + (gate.verdict === 'fail' ? 1 : 0);
  const inconclusiveChecks = progress.inconclusiveChecks + (gate.verdict === 'inconclusive' ? 1 : 0);
  const next: CanaryProgress = { ...progress, gates, failedChecks, inconclusiveChecks };
  const where = describeStep(progress);
  const why = gate.findings.join('; ');

  const abortWith = (message: string): CanaryDecision => ({
    kind: 'abort',
    message,
    progress: { ...next, phase: 'aborting', failure: { step: progress.step, message } },
  });
  if (gate.verdict === 'fatal') return abortWith(`canary failed at ${where}: ${why}`);
  if (failedChecks > limit) {
    return abortWith(`canary failed at ${where}: ${failedChecks} failed checks > maxFailedChecks ${limit} (${why})`);
  }
  if (inconclusiveChecks > limit) {
    return abortWith(
      `canary failed at ${where}: ${inconclusiveChecks} checks without data > maxFailedChecks ${limit}; no data is never a pass (${why})`,
    );
  }
  const elapsed = now.getTime() - Date.parse(progress.stepStartedAt);
  const pause = canary.steps[progress.step]?.pause ?? 0;
  if (gate.verdict !== 'pass' || elapsed < pause) return { kind: 'hold', progress: next };
  if (progress.step + 1 >= canary.steps.length) {
    return { kind: 'promote', progress: { ...next, phase: 'promoting' } };
  }
  const weights = stepWeights(canary, progress.step + 1);
  return {
    kind: 'shift',
    weights,
    progress: { ...next, step: progress.step + 1, weights, stepStartedAt: now.toISOString() },
  };
}

/** The progress once the worker finished a promotion or an abort: the route back to 100/0 on stable. */
export function settleCanary(progress: CanaryProgress, now: Date): CanaryProgress {
  return {
    ...progress,
    phase: progress.phase === 'aborting' ? 'aborted' : 'promoted',
    weights: ALL_STABLE,
    finishedAt: now.toISOString(),
  };
}

/**
 * How long until the next check: every `interval` during the step, and one at the end of its pause so a step
 * lasts its pause and no longer; once the pause is over, checks go on every `interval` until one passes.
 */
export function nextCheckDelay(progress: CanaryProgress, canary: AppCanary, now: Date): number {
  const pause = canary.steps[progress.step]?.pause ?? 0;
  const started = Date.parse(progress.stepStartedAt);
  const left = started + pause - now.getTime();
  if (left > 0) return Math.min(canary.interval, left);
  const checkedThisStep = progress.gates.some((g) => g.step === progress.step && Date.parse(g.at) >= started);
  return checkedThisStep ? canary.interval : 0;
}
