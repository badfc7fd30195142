// The deploy stage's inputs and outputs: what it needs from the world (ports), and the result the report renders.
import type { CanaryProgress } from '../../../core/release/release.js';
import type { PreviewIdentity } from '../../../core/deploy/preview.js';
import type { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import type { CanarySummary } from '../../../core/report/deploy-report.js';
import type { EnvConfig } from '../../../core/config/env-config.js';
import type { DeployMode, DeployRequest } from '../../../core/deploy/deploy-request.js';
import type { ChangeSet } from '../../../core/diff/change-set.js';
import type { AggregateHealth } from '../../../core/health/aggregate-health.js';
import type { ObjectRef } from '../../../core/kube/object.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import type { ReleaseStore } from '../../../core/ports/release-store.js';
import type { Reason } from '../../../core/reasons.js';
import type { ReleaseOutcome as AttemptOutcome, RollbackTarget } from '../../../core/release/release.js';
import type { FileSystem } from '../../../kustomize/fs/file-system.js';
import type { EnvLiveState } from './live-state.js';

/** A repository checkout by commit, as the git adapter's `GitMirror` provides it (no working copy). */
export interface CommitSource {
  fetch(
    cloneUrl: string,
    sha: string,
    options?: { signal?: AbortSignal; ref?: string },
  ): Promise<{ treeAt(sha: string, options?: { signal?: AbortSignal }): Promise<FileSystem> }>;
}

/** How often the rollout wait polls: from `initialMs`, growing by half each time, up to `maxMs`. */
export interface HealthPolling {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** What {@link deployEnvironment} talks to. */
export interface DeployDeps {
  readonly git: CommitSource;
  /**
   * The cluster env.yaml's `cluster` names (normally adapters/kube `KubeClusters.forCluster`: a client per
   * kubeconfig context, reused). Throws a terminal DeployError when the kubeconfig cannot reach it.
   */
  readonly clusterFor: (env: EnvConfig) => Cluster;
  /** The release history of an environment (normally a `KubeReleaseStore` over `clusterFor(env)`). */
  readonly releaseStore: (env: EnvConfig) => ReleaseStore;
  /**
   * The environment's live-state cache and in-sync memo (normally over `KubeCluster.liveCache()`, see
   * worker/stages/deploy/live-state.ts); undefined: every deploy reads and dry-runs every object. Default: none.
   */
  readonly liveState?: (env: EnvConfig) => EnvLiveState | undefined;
  /** Told when a deploy of an environment succeeded (the drift watch measures from it). Default: nothing. */
  readonly deployed?: (env: EnvConfig, request: DeployRequest) => void;
  /**
   * Told each time a canary's progress was recorded (every app's progress in the release), so the check run shows
   * the walk as it moves. Default: nothing.
   */
  readonly canaryProgress?: (canaries: readonly CanaryProgress[]) => Promise<void>;
  /** The server-side-apply field manager. Default `gantry`. */
  readonly fieldManager?: string;
  /** Salt of the markers that stand for Secret values in diffs. Default: random per process. */
  readonly secretSalt?: string;
  /** Default: from 250 ms up to 2 s. */
  readonly healthPolling?: HealthPolling;
  /**
   * The AWS Cloud Map client of App Mesh canaries with `traffic.discovery.type: cloud-map`, built when first needed.
   * Default: one from the standard AWS configuration (AWS_REGION, credentials, AWS_ENDPOINT_URL).
   */
  readonly cloudMap?: () => ServiceDiscoveryClient;
  /** Milliseconds since the epoch; tests may pin it. Default `Date.now`. */
  readonly now?: () => number;
}

/** The numbered steps of a deploy, in order; each is recorded as progress once done. */
export const DEPLOY_STEPS = [
  'config',
  'render',
  'namespace',
  'validate',
  'diff',
  'record',
  'apply',
  'prune',
  'rollout',
  'canary',
  'rollback',
  'finish',
] as const;
export type DeployStep = (typeof DEPLOY_STEPS)[number];

/** Milliseconds spent in each step that ran (across resumed runs, the run that finished it). */
export type StepTimings = Partial<Record<DeployStep, number>>;

/** Why a rollout (or an apply or prune after something was applied) failed: what the rollback decision reads. */
export interface AttemptFailure {
  readonly reason: Reason;
  readonly message: string;
  readonly ref?: ObjectRef;
  /** False when nothing had been applied or deleted yet, so there is nothing to roll back. */
  readonly clusterChanged: boolean;
}

/**
 * How one deploy request ended, for the report step: outcome, what changed, health, timings, and the reason and
 * rollback target when it did not succeed. Plain JSON, so it can travel in a queue job.
 */
export interface DeployResult {
  readonly environment: string;
  readonly sha: string;
  readonly mode: DeployMode;
  /** `succeeded` for a dry run means it validated; nothing was applied. */
  readonly outcome: Exclude<AttemptOutcome, 'deploying'>;
  /** Absent on success. */
  readonly reason?: Reason;
  /** One sentence for people: what happened, the error, or "…; rolled back to revision 3 (1a2b3c4)". */
  readonly message: string;
  /** The object to blame, when one is. */
  readonly ref?: ObjectRef;
  /** What the deploy did (or a dry run would do), object by object; absent when it failed before the diff. */
  readonly changeSet?: ChangeSet;
  /** The last health check of the awaited objects; absent when the deploy did not get that far. */
  readonly health?: AggregateHealth;
  readonly timings: StepTimings;
  /** The release recorded for this attempt. */
  readonly revision?: number;
  /** The release an automatic rollback restored. */
  readonly rolledBackTo?: RollbackTarget;
  /** A preview deploy's target (GitHub environment `pr-<n>/<env>`, namespace, URLs, skipped objects); absent otherwise. */
  readonly preview?: PreviewIdentity;
  /** The canaries walked, for the check run. */
  readonly canaries?: readonly CanarySummary[];
}
