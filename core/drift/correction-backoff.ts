// How often a drifted object is corrected when something keeps changing it back: the first correction is
// immediate, each further one within the contested window waits longer (exponential, capped), as Argo CD's
// self-heal does (2 s, 6 s, 18 s, … up to 5 min), so a controller that reverts our field never makes the worker
// hot-loop re-deploying. Pure: the caller passes the time.

export interface CorrectionBackoffPolicy {
  /** Wait before the second correction of an object. */
  readonly firstMs: number;
  /** Each further correction waits this many times longer. */
  readonly factor: number;
  /** The longest wait. */
  readonly maxMs: number;
  /**
   * An object that has not drifted for this long after its last correction counts as settled: its next drift is
   * corrected at once again. Never shorter than twice the wait last used, so a backed-off object stays backed off.
   */
  readonly settledMs: number;
  /** From this correction on the object is reported as contested (logged, and a `drift/<env>` status). */
  readonly contestedAt: number;
}

export const DRIFT_CORRECTION_BACKOFF: CorrectionBackoffPolicy = {
  firstMs: 2_000,
  factor: 3,
  maxMs: 300_000,
  settledMs: 60_000,
  contestedAt: 3,
};

/** The decision for one drift of one object. */
export interface CorrectionStep {
  /** 1 for the first correction since the object settled, then 2, 3, … */
  readonly attempt: number;
  /** How long to wait before correcting (0: at once). */
  readonly delayMs: number;
  /** True from `contestedAt` on: someone keeps changing the object back. */
  readonly contested: boolean;
}

interface History {
  attempt: number;
  lastAt: number;
  lastDelayMs: number;
}

/** Per object key: how many corrections in a row it needed, and so how long the next one waits. */
export class CorrectionBackoff {
  private readonly history = new Map<string, History>();

  constructor(private readonly policy: CorrectionBackoffPolicy = DRIFT_CORRECTION_BACKOFF) {}

  /** Records a drift of `key` seen at `now` (ms) and says when to correct it. */
  next(key: string, now: number): CorrectionStep {
    const before = this.history.get(key);
    const settled =
      before === undefined || now - before.lastAt > Math.max(this.policy.settledMs, 2 * before.lastDelayMs);
    const attempt = settled ? 1 : before.attempt + 1;
    const delayMs =
      attempt === 1 ? 0 : Math.min(this.policy.maxMs, this.policy.firstMs * this.policy.factor ** (attempt - 2));
    // Measured from when the correction runs, so a long wait is not mistaken for a settled object.
    this.history.set(key, { attempt, lastAt: now + delayMs, lastDelayMs: delayMs });
    return { attempt, delayMs, contested: attempt >= this.policy.contestedAt };
  }
}
