// One run of a deploy request: the progress carried over from earlier runs, and the step runner that times each
// step, records it, and logs it.
import type { PreviewIdentity } from '../../../core/deploy/preview.js';
import type { TargetMove } from '../../../core/deploy/pull-request-target.js';
import { randomBytes } from 'node:crypto';
import type { EnvConfig } from '../../../core/config/env-config.js';
import type { DeployRequest } from '../../../core/deploy/deploy-request.js';
import type { StageContext } from '../stage-context.js';
import { defaultCloudMap } from '../canary/traffic-router-for.js';
import { ApplyDeadline } from './apply-deadline.js';
import type { DeployProgress } from './deploy-progress.js';
import type { DeployDeps, DeployResult, DeployStep } from './deploy-types.js';

/** The context a deploy runs in: its progress is a {@link DeployProgress}. */
export type DeployContext = StageContext<DeployStep, DeployProgress>;

/** Deploy dependencies with every default filled in. */
export type ResolvedDeps = Required<DeployDeps>;

/** One process-wide salt, so Secret markers stay stable between deploys of one worker (and mean nothing outside it). */
const PROCESS_SALT = randomBytes(16).toString('hex');

export function resolveDeps(deps: DeployDeps): ResolvedDeps {
  return {
    ...deps,
    fieldManager: deps.fieldManager ?? 'gantry',
    liveState: deps.liveState ?? (() => undefined),
    deployed: deps.deployed ?? (() => undefined),
    canaryProgress: deps.canaryProgress ?? (async () => undefined),
    secretSalt: deps.secretSalt ?? PROCESS_SALT,
    healthPolling: deps.healthPolling ?? { initialMs: 250, maxMs: 2_000 },
    now: deps.now ?? Date.now,
    cloudMap: deps.cloudMap ?? defaultCloudMap,
  };
}

/**
 * Steps whose record a resumed run does not read (steps 1 and 2 always run again; 3 and 4 are skipped only once the
 * diff's ChangeSet is recorded), so the deploy does not wait for their progress writes: four Redis round trips
 * fewer between the push and the apply (bench/push-to-applied.ts).
 */
const UNAWAITED_STEPS: ReadonlySet<DeployStep> = new Set<DeployStep>(['config', 'render', 'namespace', 'validate']);

/**
 * The state of one run: what earlier runs recorded (`data`) and how to record more. `data` only grows; every
 * {@link DeployRun.step} stores all of it, since only the latest progress record is kept.
 */
export class DeployRun {
  data: DeployProgress;
  readonly deps: ResolvedDeps;
  /** A preview deploy's identity, completed once the render is known (see core/deploy/preview.ts). */
  preview: PreviewIdentity | undefined;
  /** A pull request's diff whose env.yaml moves the environment: diffed at the base's target (core/deploy/pull-request-target.ts). */
  moved: TargetMove | undefined;
  /** Whether this run continues one that recorded progress. */
  readonly resumed: boolean;
  private deadline?: ApplyDeadline;

  constructor(
    readonly request: DeployRequest,
    deps: DeployDeps,
    readonly ctx: DeployContext,
  ) {
    this.deps = resolveDeps(deps);
    const previous = ctx.progress.get();
    this.resumed = previous !== undefined;
    this.data = previous?.data ?? { startedAt: new Date(this.deps.now()).toISOString(), timings: {} };
    if (previous) ctx.log.info({ step: previous.step }, `resuming after step ${previous.step}`);
  }

  get signal(): AbortSignal {
    return this.ctx.signal;
  }

  /** The `apply.timeout` window of this run, started by the first step that asks for it. */
  applyDeadline(env: EnvConfig): ApplyDeadline {
    this.deadline ??= new ApplyDeadline(env.apply.timeout, this.signal);
    return this.deadline;
  }

  /**
   * The release store's idempotency key: one delivery deploys an environment once, so a resumed or retried run of
   * the same request updates its release instead of adding one.
   */
  get deployId(): string {
    return `${this.request.deliveryId}/${this.request.environment}`;
  }

  /**
   * Runs `work` as step `name`: times it, merges what `save` extracts from its result into the progress, records
   * the step as done, and returns the result.
   */
  async step<T>(
    name: DeployStep,
    work: () => Promise<T> | T,
    save: (result: T) => Partial<DeployProgress> = () => ({}),
  ): Promise<T> {
    this.signal.throwIfAborted();
    const started = this.deps.now();
    const result = await work();
    const ms = this.deps.now() - started;
    const update = { ...save(result), timings: { ...this.data.timings, [name]: ms } };
    if (UNAWAITED_STEPS.has(name)) this.saveInPassing(name, update);
    else await this.save(name, update);
    this.ctx.log.debug({ step: name, ms }, `step ${name} done`);
    return result;
  }

  /**
   * Merges `update` into the progress and records it without waiting for the write: the next step's record is
   * cumulative and lands after it (one Redis connection keeps the order), and a failed write is logged, not thrown.
   */
  private saveInPassing(step: DeployStep, update: Partial<DeployProgress>): void {
    this.data = { ...this.data, ...update };
    this.ctx.progress.record(step, this.data).catch((error: unknown) =>
      this.ctx.log.warn({ err: error, step }, 'recording the step failed; the next step records it again'),
    );
  }

  /** Merges `update` into the progress and records it under `step`. */
  async save(step: DeployStep, update: Partial<DeployProgress>): Promise<void> {
    this.data = { ...this.data, ...update };
    await this.ctx.progress.record(step, this.data);
  }

  /** Records the final result, so a run resumed after this point returns it instead of deploying again. */
  async finish(outcome: DeployResult): Promise<DeployResult> {
    const result = {
      ...outcome,
      ...(this.preview && { preview: this.preview }),
      ...(this.moved && { moved: this.moved }),
    };
    await this.save('finish', { result });
    const log =
      result.outcome === 'succeeded' ? this.ctx.log.info.bind(this.ctx.log) : this.ctx.log.warn.bind(this.ctx.log);
    log(
      { outcome: result.outcome, reason: result.reason, revision: result.revision, timings: result.timings },
      result.message,
    );
    return result;
  }
}
