// The `drift/<env>` commit status after it went red: a failing drift status (drift.mode `report`, or an object
// reported contested under `correct`) is put back to success once a deploy of the same commit re-applied the
// environment and no drift followed for a settle window, so a red status never outlives the drift it reported.
import type { Logger } from 'pino';

export interface DriftStatusOptions {
  /** How long an environment stays free of drift after the re-applying deploy before its status is cleared. */
  readonly settleMs: number;
  /** Writes `drift/<env>` success on `sha`. */
  readonly clear: (env: string, sha: string) => Promise<void>;
  readonly log: Logger;
}

interface Failing {
  readonly sha: string;
  timer?: NodeJS.Timeout;
}

/** Per environment, the commit whose `drift/<env>` status this worker last set to failure, until it is cleared. */
export class DriftStatuses {
  private readonly failing = new Map<string, Failing>();

  constructor(private readonly options: DriftStatusOptions) {}

  /** A failing `drift/<env>` status was written on `sha`; a settle already counting for the environment stops. */
  failed(env: string, sha: string): void {
    clearTimeout(this.failing.get(env)?.timer);
    this.failing.set(env, { sha });
  }

  /** Any drift of `env`: the environment is not settled, whatever status it has. */
  drifted(env: string): void {
    const failing = this.failing.get(env);
    if (failing?.timer === undefined) return;
    clearTimeout(failing.timer);
    failing.timer = undefined;
  }

  /**
   * A deploy of `sha` to `env` succeeded. When it re-applied the commit whose status is failing, the status is cleared
   * after the settle window unless a drift comes first. A newer commit's deploy leaves the older commit's status as
   * the history of that commit and stops tracking it (the newer commit has no drift status until it drifts).
   */
  deployed(env: string, sha: string): void {
    const failing = this.failing.get(env);
    if (failing === undefined) return;
    clearTimeout(failing.timer);
    if (failing.sha !== sha) {
      this.failing.delete(env);
      return;
    }
    failing.timer = setTimeout(() => {
      if (this.failing.get(env) !== failing) return;
      this.failing.delete(env);
      this.options
        .clear(env, sha)
        .catch((error: unknown) => this.options.log.error({ err: error, environment: env }, 'could not clear the drift status'));
    }, this.options.settleMs);
  }

  /** Environments whose failing status is waiting for its settle window (tests and diagnostics). */
  settling(): string[] {
    return [...this.failing].filter(([, { timer }]) => timer !== undefined).map(([env]) => env);
  }

  close(): void {
    for (const { timer } of this.failing.values()) clearTimeout(timer);
    this.failing.clear();
  }
}
