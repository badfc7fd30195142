import type { DeployMode, DeployTarget } from '../deploy/deploy-request.js';
import type { PreviewIdentity } from '../deploy/preview.js';
import type { ChangeSet } from '../diff/change-set.js';
import type { AggregateHealth } from '../health/aggregate-health.js';
import type { Reason } from '../reasons.js';
import type { CanaryProgress, ReleaseOutcome, RollbackTarget, Timings } from '../release/release.js';

/**
 * Where a report stands: `in-progress` while the pipeline works, `planned` for a dry run that computed its diff,
 * otherwise how the release ended.
 */
export type ReportOutcome = 'in-progress' | 'planned' | Exclude<ReleaseOutcome, 'deploying'>;

/** Everything a GitHub report about one environment and one commit says. Plain data from the pipeline's stages. */
export interface DeployReport {
  readonly environment: string;
  /** The commit reported on. */
  readonly sha: string;
  readonly mode: DeployMode;
  /** Default: the environment itself. */
  readonly target?: DeployTarget;
  readonly outcome: ReportOutcome;
  /** Absent when the attempt failed before diffing (config, render, validation). */
  readonly changeSet?: ChangeSet;
  /** The last health of the awaited objects; absent before the rollout. */
  readonly health?: AggregateHealth;
  readonly timings?: Timings;
  /** Why it did not succeed. */
  readonly failure?: { readonly reason: Reason; readonly message: string };
  /** Set when the outcome is `rolled-back`. */
  readonly rolledBackTo?: RollbackTarget;
  /** The canaries the release walked, one per canaried app; absent when nothing was canaried. */
  readonly canaries?: readonly CanarySummary[];
  /** While canaries walk: each app's recorded progress, shown step by step (weights, checks, latest gate result). */
  readonly canarySteps?: readonly CanaryProgress[];
  /** The commit that superseded this one, when the outcome is `superseded`. */
  readonly supersededBy?: string;
  /** A preview's GitHub environment, namespace, URLs and the cluster-scoped objects it did not apply. */
  readonly preview?: PreviewIdentity;
}

/** How one app's canary went, for people. */
export interface CanarySummary {
  readonly app: string;
  /** `gateway-api` | `appmesh`. */
  readonly provider: string;
  /** `promoted`, or `aborted at step 2 of 3 (30 %)`. */
  readonly outcome: string;
  /** What the gate checked: `readiness only (no analysis.prometheus in env.yaml)`, or the metrics source too. */
  readonly gate: string;
}

/** `abc1234`: how a commit is named to people. */
export const shortSha = (sha: string) => sha.slice(0, 7);
