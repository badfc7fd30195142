// The worker's composition root: builds the adapters from one configuration and wires the queues to the stages.
//   plan job    → a validate job for the delivery (whatever the plan decides) + planDelivery → (with a
//                 builder) enqueueBuilds: a build job per image whose content tag the
//                 registry lacks → a deploy job per environment, naming the images it needs (+ a `pending` report
//                 each); a plan that fails for good (invalid env.yaml) is reported on GitHub as `deploy/plan`
//   build job   → buildImage → the image pinned by digest, and the `build/<app>` check run; the deploys waiting
//                 for it are promoted
//   deploy job  → awaitBuilds (sleeps in `delayed` until its builds are done; a failed one fails it) →
//                 deployEnvironment with the images pinned → a report job (a superseded job is reported by the queue)
//   validate job → validateDelivery: the `gantry/validate` check run on the pushed or pull request head commit
//                 (always completed), below the plans and the deploys: it waits for a moment with neither running
//   report job  → the commit status and check run on GitHub
import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { GitMirror } from '../adapters/git/index.js';
import { GitHubReporter } from '../adapters/github/index.js';
import { KubeClusters, KubeReleaseStore } from '../adapters/kube/index.js';
import type { EnvConfig } from '../core/config/env-config.js';
import { DeployError } from '../core/deploy-error.js';
import { latestRelease } from '../core/release/release-history.js';
import {
  BuildGate,
  createBuildWorker,
  createPlanWorker,
  createRedisClient,
  createReportWorker,
  createValidateWorker,
  DeployWorkerPool,
  PipelineQueues,
  planJobDelivery,
  queuePrefix,
  startPreviewCollector,
  type DeployJob,
  type JobContext,
  type PlanJob,
  type WorkerSettings,
} from '../adapters/queue/index.js';
import type { JobsOptions } from 'bullmq';
import { createCodeBuildBuilder } from '../adapters/aws/index.js';
import { createBuildahBuilder } from '../adapters/registry/index.js';
import type { ImageBuilder } from '../core/ports/image-builder.js';
import type { BuildConfig, LogLevel, WorkerConfig } from './read-worker-config.js';
import { awaitBuilds, waitingFor } from './stages/build/await-builds.js';
import { buildImage } from './stages/build/build-image.js';
import { enqueueBuilds } from './stages/build/enqueue-builds.js';
import { canaryProgressReport, publishReportJob, pendingReport, repoOf, resultReport, runningReport } from './report-jobs.js';
import { deployEnvironment, type DeployDeps, type DeployResult } from './stages/deploy-environment.js';
import { liveStates } from './stages/deploy/live-state.js';
import { DriftWatch, describeDrift } from './drift-watch.js';
import { DriftStatuses } from './drift-status.js';
import { DRIFT_CORRECTION_BACKOFF } from '../core/drift/correction-backoff.js';
import { DriftCorrections, describeContested } from './drift-corrections.js';
import { isDeployStep, parseDeployProgress } from './stages/deploy/deploy-progress.js';
import type { HealthPolling } from './stages/deploy/deploy-types.js';
import { planDelivery, type PlanResult } from './stages/plan.js';
import { deployedCommitFrom } from './stages/unchanged-environments.js';
import { reportPlanFailure } from './stages/report-plan-failure.js';
import { validateDelivery, type SchemaCheck } from './stages/validate/validate-commit.js';
import { validateObjects } from './stages/deploy/validate-objects.js';
import { stageContextFor } from './stages/stage-context.js';
import { retirePreview, type PreviewRetirement } from './stages/teardown-preview.js';
import type { Cluster } from '../core/ports/cluster.js';
import { collectPreviews } from './stages/collect-previews.js';
import { PipelineActivity } from './pipeline-activity.js';

/** What tests (and nothing else) may change about a worker besides its configuration. */
export interface WorkerOverrides {
  /** Default: pino on stdout at the configured level. */
  readonly log?: Logger;
  /** Lock and stalled-check timings of every queue worker. */
  readonly settings?: Omit<WorkerSettings, 'concurrency'>;
  /** Backoffs of the jobs this worker adds (tests use short ones). */
  readonly jobOptions?: { readonly deploy?: JobsOptions; readonly report?: JobsOptions; readonly build?: JobsOptions };
  readonly healthPolling?: HealthPolling;
  /** How long an environment must stay free of drift before a failing `drift/<env>` status is cleared (60 s). */
  readonly driftSettleMs?: number;
}

/** The server-side-apply field manager of every apply the worker makes. */
const FIELD_MANAGER = 'gantry';
/** Plan jobs one worker process runs at once (GANTRY_PLAN_CONCURRENCY). */
export const DEFAULT_PLAN_CONCURRENCY = 4;
/** Drifts of one environment this close together are corrected by one deploy. */
const DRIFT_BURST_MS = 500;

/** A started worker. */
export interface RunningWorker {
  readonly log: Logger;
  /**
   * Stops taking jobs and waits for the active ones to finish (a job cut short later by SIGKILL is recovered by
   * another worker from its recorded progress), then closes every connection.
   */
  close(): Promise<void>;
}

/** What a plan job completed with: the decision's kind and the deploy jobs it added. */
interface PlanJobResult {
  readonly decision: PlanResult['kind'];
  readonly deployJobs: readonly string[];
}

/**
 * Starts one worker process's share of the pipeline: a plan worker, a deploy worker per environment (one active
 * deployment per environment across all processes), and a report worker.
 *
 * @throws GitHubConfigError when the GitHub configuration is unusable; errors of Redis and the kubeconfig as they come
 */
export async function startWorker(config: WorkerConfig, overrides: WorkerOverrides = {}): Promise<RunningWorker> {
  const log = overrides.log ?? pino({ level: config.logLevel satisfies LogLevel, base: { service: 'gantry-worker' } });
  const prefix = queuePrefix(config.queuePrefix);
  const reporter = new GitHubReporter(config.github, { logger: log.child({ adapter: 'github' }) });
  // One client per kubeconfig context, built when an environment first names it: env.yaml's `cluster` decides
  // where each environment goes, whatever context is current.
  const clusters = KubeClusters.load(config.kubeconfig);
  const clusterFor = (env: EnvConfig) => clusters.forCluster(env.cluster);
  const git = new GitMirror({ cacheDir: config.gitCacheDir, logger: log.child({ adapter: 'git' }) });
  // Watch-fed live state per cluster, and per environment what was last applied: unchanged objects cost nothing,
  // and a hand edit of a field the pipeline applied is drift (worker/drift-watch.ts).
  const liveState = liveStates((env) => clusterFor(env).liveCache({ managedBy: FIELD_MANAGER }), FIELD_MANAGER);
  // `correct`: the deployed commit again, as a deploy job (one active per environment, so it never races a
  // deploy); one burst of drifts is one correction, and an object that keeps drifting back is backed off.
  const corrections = new DriftCorrections({
    burstMs: DRIFT_BURST_MS,
    log: log.child({ stage: 'drift' }),
    correct: ({ env, deployed }) => {
      const request = { ...deployed.request, deliveryId: `drift-${randomUUID()}`, requestedAt: new Date().toISOString() };
      void queues
        .nextSequence()
        .then((sequence) => queues.enqueueDeploy(request, sequence, deployed.builds))
        .catch((error: unknown) => log.error({ err: error, environment: env.name }, 'could not enqueue the drift correction'));
    },
    contested: async (drift, step) => {
      await reporter.setCommitStatus(repoOf(drift.deployed.request), {
        sha: drift.deployed.request.sha,
        environment: drift.env.name,
        kind: 'drift',
        state: 'failure',
        description: describeContested(drift, step),
      });
      driftStatuses.failed(drift.env.name, drift.deployed.request.sha);
    },
  });
  // A red `drift/<env>` goes back to green once a deploy of that commit re-applied it and nothing drifted since.
  const driftSettleMs = overrides.driftSettleMs ?? DRIFT_CORRECTION_BACKOFF.settledMs;
  const driftStatuses = new DriftStatuses({
    settleMs: driftSettleMs,
    log: log.child({ stage: 'drift' }),
    clear: async (envName, sha) => {
      const settled = drifts.deployedIn(envName);
      if (settled === undefined || settled.request.sha !== sha) return;
      await reporter.setCommitStatus(repoOf(settled.request), {
        sha,
        environment: envName,
        kind: 'drift',
        state: 'success',
        description: `in sync: re-applied by gantry, no drift for ${Math.round(driftSettleMs / 1000)} s`,
      });
      log.info({ environment: envName, sha }, 'drift status cleared: the environment is in sync again');
    },
  });
  const drifts = new DriftWatch(FIELD_MANAGER, log.child({ stage: 'drift' }), async (drift) => {
    const { env, deployed } = drift;
    driftStatuses.drifted(env.name);
    // Another worker process may have deployed the environment since this one did: its memo is then stale, and
    // the drift is that worker's to see. Only the commit of the newest release is ever corrected or reported.
    const current = latestRelease(await deps.releaseStore(env).list());
    if (current?.commit !== deployed.request.sha) {
      log.info({ environment: env.name, tracked: deployed.request.sha, current: current?.commit }, 'drift left to the newer deploy');
      return;
    }
    if (env.drift.mode === 'report') {
      await reporter.setCommitStatus(repoOf(deployed.request), {
        sha: deployed.request.sha,
        environment: env.name,
        kind: 'drift',
        state: 'failure',
        description: describeDrift(drift),
      });
      driftStatuses.failed(env.name, deployed.request.sha);
      return;
    }
    corrections.add(drift);
  });
  const deps: DeployDeps = {
    git,
    clusterFor,
    releaseStore: (env) => new KubeReleaseStore(clusterFor(env), { environment: env.name, namespace: env.namespace }),
    liveState,
    ...(overrides.healthPolling && { healthPolling: overrides.healthPolling }),
  };

  // The webhook's 1 s command timeout answers a sender quickly; here it only failed jobs spuriously: a deploy of 1,000
  // objects that kept the event loop busy past it had its finished job retried. A job has time to wait for Redis.
  const producer = createRedisClient({
    url: config.redisUrl,
    role: 'producer',
    name: 'gantry-worker-producer',
    commandTimeoutMs: 10_000,
  });
  const consumer = createRedisClient({ url: config.redisUrl, role: 'worker', name: 'gantry-worker' });
  logRedisErrors(producer, log, 'producer');
  logRedisErrors(consumer, log, 'worker');
  await Promise.all([ready(producer), ready(consumer)]);
  const queues = new PipelineQueues({
    connection: producer,
    prefix,
    log,
    ...(overrides.jobOptions && { jobOptions: overrides.jobOptions }),
  });
  const builder = config.build && (await createBuilder(config.build, log));
  const gate = new BuildGate(producer, prefix, log);

  // Plans and deploys first: a validate job starts, and sends each environment's dry run, only when this process
  // runs neither (or after waiting 30 s), so validation never takes the CPU or the apiserver from a push's deploy.
  const activity = new PipelineActivity();
  // gantry/validate's schema check: the apiserver's dry run, as the deploy's step 4, on the environment's cluster.
  const validateSchema: SchemaCheck = async (env, objects, signal) => {
    await activity.quiet(signal);
    return (await validateObjects(objects, clusterFor(env), { fieldManager: FIELD_MANAGER, mode: 'dry-run', signal }))
      .dryRun.size;
  };
  // The one teardown of a preview: a `closed` webhook's and the collector's (worker/stages/teardown-preview.ts).
  const retire = (target: PreviewRetirement, cluster: Cluster, ctx: Pick<JobContext, 'signal' | 'log'>) =>
    retirePreview(target, { cluster, reporter }, { signal: ctx.signal, log: ctx.log });

  // One for all plan jobs of this process: concurrent plans share a history lookup in flight.
  const deployedCommits = deployedCommitFrom(deps.releaseStore);
  const plan = async (job: PlanJob, ctx: JobContext): Promise<PlanJobResult> => {
    const delivery = planJobDelivery(job);
    // Whatever the plan decides: a required `gantry/validate` must be completed on every head commit. It runs as its
    // own job (every environment's render and schema check would otherwise delay this push's deploys); the job id
    // is the delivery's, so a retried plan job adds it once. Added while the plan fetches, and settled before the
    // plan job ends either way: a plan job that could not add it fails and is retried.
    const validating = queues.enqueueValidate(job);
    let decision: PlanResult;
    try {
      decision = await planDelivery(
        delivery,
        { git, deployed: deployedCommits },
        { signal: ctx.signal, log: ctx.log },
      );
    } catch (error) {
      await validating;
      // A terminal failure (an invalid env.yaml) ends the job for good; GitHub must hear of it, or only the log
      // would. Transient ones are only thrown: the retry may succeed, and a report now would be premature.
      if (error instanceof DeployError && error.terminal) await reportPlanFailure(delivery, error, reporter, ctx);
      throw error;
    }
    await validating;
    if (decision.kind === 'teardown-preview') {
      const [owner = '', name = ''] = job.payload.repository.full_name.split('/');
      for (const preview of decision.previews) {
        await queues.supersedePreview(preview.environment, preview.namespace, job.sequence);
        await retire(
          { ...preview, pullRequest: decision.pullRequest, repo: { owner, repo: name }, why: 'closed', sequence: job.sequence },
          clusters.forCluster(preview.cluster),
          ctx,
        );
      }
      return { decision: decision.kind, deployJobs: [] };
    }
    if (decision.kind !== 'deploy' && decision.kind !== 'preview') return { decision: decision.kind, deployJobs: [] };
    // Builds first, so a deploy job never names a build that was not added.
    const builds = builder
      ? await enqueueBuilds(decision.requests, { git, builder, queues }, ctx.signal).catch(async (error: unknown) => {
          if (error instanceof DeployError && error.terminal) await reportPlanFailure(delivery, error, reporter, ctx);
          throw error;
        })
      : undefined;
    const deployJobs: string[] = [];
    for (const request of decision.requests) {
      // Each add is idempotent by job id, so a plan job retried halfway adds nothing twice.
      const needs = builds?.get(request) ?? [];
      const { jobId, queue } = await queues.enqueueDeploy(request, job.sequence, needs);
      deployJobs.push(`${queue}/${jobId}`);
      const pending = pendingReport(request, job.sequence);
      const unbuilt = needs.filter((need) => 'jobId' in need);
      await queues.enqueueReport(
        unbuilt.length === 0 ? pending : { ...pending, description: `waiting for ${waitingFor(unbuilt)}` },
      );
    }
    // A validate job must not slip into the gap before these are picked up (worker/pipeline-activity.ts), and an
    // environment's first deploy starts now rather than at the pool's next look for new environments (every 2 s).
    activity.expectDeploys(deployJobs.length);
    if (deployJobs.length > 0)
      void pool.discover().catch((error: unknown) => ctx.log.warn({ err: error }, 'environment discovery failed; will try again'));
    return { decision: decision.kind, deployJobs };
  };

  const deploy = async (
    job: DeployJob,
    ctx: JobContext,
  ): Promise<Pick<DeployResult, 'outcome' | 'message' | 'revision'>> => {
    // 0. Every image this commit needs is built (the job sleeps until then); a failed build fails the deploy.
    const builds = await awaitBuilds(job.request, job.builds, gate, ctx);
    // The deploy starts now: the Deployment's `in_progress` (the report queue keeps it from landing after the outcome:
    // it is added before the result's report is). Added while the deploy runs, so it costs the deploy no round trip.
    const running =
      builds.kind === 'failed' ? undefined : queues.enqueueReport(runningReport(job.request, job.sequence));
    // Observed here so a failure while the deploy runs is not unhandled; it is thrown below, before the result.
    running?.catch(() => undefined);
    const result = await deployUnlessFailed();
    await running;
    await queues.enqueueReport(resultReport(job.request, job.sequence, result));
    return {
      outcome: result.outcome,
      message: result.message,
      ...(result.revision !== undefined && { revision: result.revision }),
    };

    function deployUnlessFailed(): Promise<DeployResult> {
      return builds.kind === 'failed'
        ? Promise.resolve(builds.result)
        : deployEnvironment(
            job.request,
            {
              ...deps,
              // Drift is measured from this deploy, and corrected with its images (the same builds).
              deployed: (env) => {
                if (job.request.target.kind !== 'environment') return;
                drifts.track(env, job, liveState(env));
                driftStatuses.deployed(env.name, job.request.sha);
              },
              // The check run shows each canary step as it is recorded, not only the outcome.
              canaryProgress: async (canaries) => {
                await queues.enqueueReport(canaryProgressReport(job.request, job.sequence, canaries));
              },
            },
            stageContextFor(ctx, isDeployStep, parseDeployProgress),
            builds.pins,
          );
    }
  };

  const settings = overrides.settings;
  const workers: Worker[] = [
    // Several plans at once: a plan mostly waits (git, the cluster's release histories), and each deploy job carries
    // its delivery's acceptance order, so a plan finishing late never deploys an older commit over a newer one.
    createPlanWorker({
      connection: consumer,
      prefix,
      processor: (job, ctx) => activity.track(() => plan(job, ctx)),
      log,
      settings: { ...settings, concurrency: config.planConcurrency ?? DEFAULT_PLAN_CONCURRENCY },
    }),
    createValidateWorker({
      connection: consumer,
      prefix,
      log,
      ...(settings && { settings }),
      // A retried validate job does not write its check run again once written (GitHub appends annotations).
      processor: async (job, ctx) => {
        if (ctx.resumeFrom?.step === 'validated') return 'reported';
        if ((await activity.quiet(ctx.signal)).gaveUp)
          ctx.log.info('validating beside running plans or deploys: none of them finished within 30 s');
        const outcome = await validateDelivery(
          planJobDelivery(job),
          { git, reporter, schema: validateSchema },
          { ...ctx, lastAttempt: ctx.attempt >= ctx.maxAttempts },
        );
        await ctx.progress({ step: 'validated' });
        return outcome;
      },
    }),
    // One report at a time, so a commit's `pending` is never written after its outcome.
    createReportWorker({
      connection: consumer,
      prefix,
      processor: (job, ctx) => publishReportJob(job, reporter, ctx),
      log,
      settings: { ...settings, concurrency: 1 },
    }),
  ];
  if (builder && config.build)
    workers.push(
      createBuildWorker({
        connection: consumer,
        prefix,
        gate,
        log,
        settings: { ...settings, concurrency: config.build.concurrency },
        processor: (job, ctx) =>
          buildImage(job, { git, builder, reporter, timeoutMs: config.build?.timeoutMs ?? 0 }, ctx),
      }),
    );
  const pool = new DeployWorkerPool({
    connection: consumer,
    prefix,
    processor: (job, ctx) => activity.track(() => deploy(job, ctx), { startsDeploy: true }),
    log,
    reports: queues,
    ...(settings && { settings }),
  });
  await pool.start();
  // Previews whose `closed` webhook never came, or that outlived preview.ttl: one pass per interval, any worker.
  const collector = await startPreviewCollector({
    connection: consumer,
    prefix,
    everyMs: config.previewCollectEveryMs ?? 300_000,
    log,
    ...(settings && { settings }),
    processor: (_data, ctx) =>
      collectPreviews(
        {
          clusters: clusters.contexts.map((context) => clusters.forCluster({ name: context, context })),
          pullRequestState: (repo, pullNumber, signal) => reporter.pullRequestState(repo, pullNumber, { signal }),
          retire: async (found, cluster) => {
            const sequence = await queues.nextSequence();
            await queues.supersedePreview(found.environment, found.namespace, sequence);
            await retire({ ...found, sequence }, cluster, ctx);
          },
          now: Date.now,
        },
        ctx,
      ),
  });
  log.info({ queuePrefix: config.queuePrefix }, 'worker started');

  let closing: Promise<void> | undefined;
  return {
    log,
    close() {
      closing ??= (async () => {
        await Promise.all([pool.close(), collector.close(), ...workers.map((worker) => worker.close())]);
        await Promise.all([queues.close(), gate.close()]);
        await Promise.all([
          producer.quit().catch(() => producer.disconnect()),
          consumer.quit().catch(() => consumer.disconnect()),
        ]);
        drifts.close();
        corrections.close();
        driftStatuses.close();
        clusters.close();
        log.info('worker stopped');
      })();
      return closing;
    },
  };
}

/** The builder `config` names, with its logs under the worker's. */
async function createBuilder(config: BuildConfig, log: Logger): Promise<ImageBuilder> {
  if (config.builder === 'local') return createBuildahBuilder(config.local);
  return createCodeBuildBuilder(config.codebuild, { logger: log.child({ adapter: 'aws' }) });
}

function logRedisErrors(client: Redis, log: Logger, role: string): void {
  let down = false;
  client.on('error', (error: Error) => {
    if (!down) log.warn({ err: { message: error.message }, role }, 'Redis unreachable; retrying');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info({ role }, 'Redis reachable again');
    down = false;
  });
}

/** Resolves once the client is connected: the producer client refuses commands before that. */
function ready(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}
