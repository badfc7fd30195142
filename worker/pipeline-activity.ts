// Background work (the `gantry/validate` job) runs below the pipeline's own: it starts only when this process has
// no plan or deploy job running, so its renders and dry runs never take the CPU a push's deploy is waiting for.

/** How long the background waits for a quiet moment; then it runs anyway, so it is always done. */
const DEFAULT_MAX_WAIT_MS = 30_000;
/**
 * A plan job's deploy jobs are picked up a few milliseconds after it ends: the process counts as quiet only after
 * this long with nothing running, so a background job does not slip into that gap.
 */
const DEFAULT_SETTLE_MS = 100;

/** Options of {@link PipelineActivity}. */
export interface PipelineActivityOptions {
  /** Default 30,000 ms. */
  readonly maxWaitMs?: number;
  /** Default 100 ms. */
  readonly settleMs?: number;
}

/** Counts this process's running plan and deploy jobs, and lets background work wait until there are none. */
export class PipelineActivity {
  private running = 0;
  private quietSince = Date.now();
  private readonly waiters = new Set<() => void>();
  private readonly maxWaitMs: number;
  private readonly settleMs: number;

  constructor(options: PipelineActivityOptions = {}) {
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  }

  /** Runs one job of the pipeline, counted as running until it settles. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      if (this.running === 0) {
        this.quietSince = Date.now();
        for (const wake of [...this.waiters]) wake();
      }
    }
  }

  /**
   * Resolves once no pipeline job has run for `settleMs`, or after `maxWaitMs` whatever runs; rejects with the
   * abort reason when `signal` aborts. Resolves to whether it waited the whole `maxWaitMs` in vain.
   */
  async quiet(signal?: AbortSignal): Promise<{ readonly gaveUp: boolean }> {
    signal?.throwIfAborted();
    const deadline = Date.now() + this.maxWaitMs;
    for (;;) {
      const now = Date.now();
      if (this.running === 0 && now - this.quietSince >= this.settleMs) return { gaveUp: false };
      if (now >= deadline) return { gaveUp: true };
      const until = this.running === 0 ? Math.min(deadline, this.quietSince + this.settleMs) : deadline;
      await this.sleep(until - now, signal);
    }
  }

  /** Sleeps up to `ms`, or until the last running job ends; rejects when `signal` aborts. */
  private sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', aborted);
        resolve();
      };
      const aborted = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
      signal?.addEventListener('abort', aborted, { once: true });
    });
  }
}
