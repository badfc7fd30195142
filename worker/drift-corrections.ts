// drift.mode `correct`: when to re-deploy an environment whose objects drifted. The drifts of one burst (a kubectl
// apply of many objects) are one correction; an object that drifts again soon after its correction waits longer
// each time (core/drift/correction-backoff.ts) and, once contested, is reported instead of fought in a hot loop.
import type { Logger } from 'pino';
import { CorrectionBackoff, type CorrectionStep } from '../core/drift/correction-backoff.js';
import { formatRef, refKey } from '../core/kube/object.js';
import { describeDrift, type Drift } from './drift-watch.js';

export interface DriftCorrectionsOptions {
  /** Drifts of one environment this close together are corrected by one deploy. */
  readonly burstMs: number;
  /** Re-deploys the drifted environment (the deployed commit and builds of `drift`). */
  readonly correct: (drift: Drift) => void;
  /** Called once per drift from the policy's `contestedAt` on, before the correction waits its backoff. */
  readonly contested: (drift: Drift, step: CorrectionStep) => Promise<void>;
  readonly log: Logger;
  readonly backoff?: CorrectionBackoff;
  readonly now?: () => number;
}

interface Pending {
  timer: NodeJS.Timeout;
  at: number;
  readonly keys: Set<string>;
  drift: Drift;
}

/** Schedules the corrections of every environment of a worker; `close()` cancels the pending ones. */
export class DriftCorrections {
  private readonly pending = new Map<string, Pending>();
  private readonly backoff: CorrectionBackoff;
  private readonly now: () => number;

  constructor(private readonly options: DriftCorrectionsOptions) {
    this.backoff = options.backoff ?? new CorrectionBackoff();
    this.now = options.now ?? Date.now;
  }

  /** A drift seen in an environment whose `drift.mode` is `correct`. */
  add(drift: Drift): void {
    const env = drift.env.name;
    const key = `${env}\u0000${refKey(drift.ref)}`;
    const pending = this.pending.get(env);
    if (pending?.keys.has(key)) {
      // The same object again before its correction ran: still one correction.
      pending.drift = drift;
      return;
    }
    const step = this.backoff.next(key, this.now());
    if (step.delayMs > 0)
      this.options.log.warn(
        {
          environment: env,
          object: formatRef(drift.ref),
          manager: drift.manager,
          attempt: step.attempt,
          delayMs: step.delayMs,
          contested: step.contested,
        },
        `drift correction ${step.attempt} of ${formatRef(drift.ref)} backs off ${Math.round(step.delayMs / 1000)} s: it drifted again soon after being corrected`,
      );
    if (step.contested)
      this.options
        .contested(drift, step)
        .catch((error: unknown) =>
          this.options.log.error(
            { err: error, environment: env, drift: describeDrift(drift) },
            'could not report the contested drift',
          ),
        );
    const at = this.now() + Math.max(this.options.burstMs, step.delayMs);
    if (pending === undefined) {
      this.pending.set(env, { timer: this.schedule(env, at), at, keys: new Set([key]), drift });
      return;
    }
    pending.keys.add(key);
    pending.drift = drift;
    if (at > pending.at) {
      clearTimeout(pending.timer);
      pending.at = at;
      pending.timer = this.schedule(env, at);
    }
  }

  /** Environments with a correction waiting, and when it runs (ms since the epoch). */
  waiting(): Record<string, number> {
    return Object.fromEntries([...this.pending].map(([env, { at }]) => [env, at]));
  }

  close(): void {
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private schedule(env: string, at: number): NodeJS.Timeout {
    return setTimeout(
      () => {
        const pending = this.pending.get(env);
        if (pending === undefined) return;
        this.pending.delete(env);
        this.options.correct(pending.drift);
      },
      Math.max(0, at - this.now()),
    );
  }
}

/** The `drift/<env>` status description of a contested object (the reporter cuts it to 140 characters). */
export function describeContested(drift: Drift, step: CorrectionStep): string {
  return `contested, correction ${step.attempt} in ${Math.round(step.delayMs / 1000)} s: ${describeDrift(drift)}`;
}
