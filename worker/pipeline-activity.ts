// Background work (the `gantry/validate` job) runs below the pipeline's own: it starts only when this process has
// no plan or deploy job running, so its renders and dry runs never take the CPU a push's deploy is waiting for.

/** How long the background waits for a quiet moment; then it runs anyway, so it is always done. */
const DEFAULT_MAX_WAIT_MS = 30_000;
/**
 * A plan job's deploy jobs are picked up a few milliseconds after it ends: the process counts as quiet only after
 * this long with nothing running, so a background job does not slip into that gap.
 */
const DEFAULT_SETTLE_MS = 100;
/**
 * How long a deploy job a plan of this process added keeps the process from counting as quiet before a deploy job
 * starts here: picking it up can take longer than the settle time on a busy machine (a validate job then rendered
 * 3,000 objects in that gap, delaying the deploy by 2 s), and another worker process may take it instead.
 */
const DEFAULT_HAND_OFF_MS = 5_000;

/** Options of {@link PipelineActivity}. */
export interface PipelineActivityOptions {
  /** Default 30,000 ms. */
  readonly maxWaitMs?: number;
  /** Default 100 ms. */
  readonly settleMs?: number;
  /** Default 5,000 ms. */
  readonly handOffMs?: number;
}

/** Counts this process's running plan and deploy jobs, and lets background work wait until there are none. */
export class PipelineActivity {
  private running = 0;
  private quietSince = Date.now();
  /** Deploy jobs added by this process's plans that no deploy job started since, until `expectedUntil`. */
  private expected = 0;
  private expectedUntil = 0;
  private readonly waiters = new Set<() => void>();
  private readonly maxWaitMs: number;
  private readonly settleMs: number;

  constructor(options: PipelineActivityOptions = {}) {
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.handOffMs = options.handOffMs ?? DEFAULT_HAND_OFF_MS;
  }

  private readonly handOffMs: number;

  /**
   * A plan added `count` deploy jobs: until that many deploy jobs have started in this process (`track` with
   * `startsDeploy`), or `handOffMs` passed, the process is not quiet.
   */
  expectDeploys(count: number): void {
    if (count <= 0) return;
    if (Date.now() >= this.expectedUntil) this.expected = 0;
    this.expected += count;
    this.expectedUntil = Date.now() + this.handOffMs;
  }

  /** Runs one job of the pipeline, counted as running until it settles; a deploy job meets one expected. */
  async track<T>(work: () => Promise<T>, { startsDeploy = false }: { startsDeploy?: boolean } = {}): Promise<T> {
    if (startsDeploy && this.expected > 0) this.expected--;
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
      const expecting = this.expected > 0 && now < this.expectedUntil;
      if (this.running === 0 && !expecting && now - this.quietSince >= this.settleMs) return { gaveUp: false };
      if (now >= deadline) return { gaveUp: true };
      const settled = Math.max(this.quietSince + this.settleMs, expecting ? this.expectedUntil : 0);
      const until = this.running === 0 ? Math.min(deadline, settled) : deadline;
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
