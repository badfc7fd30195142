// env.yaml's `apply.timeout`: one limit for validating and applying an environment's objects.
import { formatDuration } from '../../../core/config/duration.js';
import { DeployError } from '../../../core/deploy-error.js';
import { Reason } from '../../../core/reasons.js';

/**
 * The `apply.timeout` window of one run, started when the run first needs it (validation, or apply for a run that
 * resumes after validation). Its {@link signal} aborts when the run's own signal does or when the limit passes; the
 * kube adapter then cancels requests in flight and sends no more. Each run has its own window: a run retried after
 * a transient error, or resumed after a crash, gets the full limit again for the steps it still has to do.
 */
export class ApplyDeadline {
  readonly signal: AbortSignal;
  private readonly expiry: AbortSignal;

  constructor(
    private readonly limitMs: number,
    private readonly outer: AbortSignal,
  ) {
    this.expiry = AbortSignal.timeout(limitMs);
    this.signal = AbortSignal.any([outer, this.expiry]);
  }

  /**
   * Runs `work` with the window's signal. When the limit passes first, whatever `work` throws (the abort) becomes
   * a terminal DeployError `ApplyTimedOut` saying what was stopped; the run's own abort is rethrown as it is.
   *
   * @param what what `work` does, for the message: `validating 12 objects`
   */
  async run<T>(what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      this.check(what);
      return await work(this.signal);
    } catch (error) {
      if (this.outer.aborted || !this.expiry.aborted || error instanceof DeployError) throw error;
      throw this.timedOut(what, error);
    }
  }

  private check(what: string): void {
    if (this.outer.aborted) throw this.outer.reason;
    if (this.expiry.aborted) throw this.timedOut(what);
  }

  private timedOut(what: string, cause?: unknown): DeployError {
    return new DeployError(
      Reason.ApplyTimedOut,
      `${what} did not finish within apply.timeout (${formatDuration(this.limitMs)}), so it was stopped; raise apply.timeout in env.yaml if the cluster needs longer`,
      { cause },
    );
  }
}
