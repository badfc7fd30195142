// The deploy stage's canaries: which apps of the release walk a canary, whether their routes can be served (asked
// before anything is applied), and the walks themselves after the rest of the environment rolled out.
import { PrometheusAnalysis } from '../../../adapters/metrics/index.js';
import type { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { canaryObjects, type CanaryObjects } from '../../../core/canary/canary-objects.js';
import { planCanaries, type PlannedCanary } from '../../../core/canary/plan-canaries.js';
import type { EnvConfig } from '../../../core/config/env-config.js';
import { DeployError } from '../../../core/deploy-error.js';
import { refOf, type KubeObject, type ObjectRef } from '../../../core/kube/object.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import type { ReleaseStore } from '../../../core/ports/release-store.js';
import type { CanaryProgress } from '../../../core/release/release.js';
import type { TrafficRouter } from '../../../core/ports/traffic-router.js';
import { Reason } from '../../../core/reasons.js';
import type { CanarySummary } from '../../../core/report/deploy-report.js';
import type { FileSystem } from '../../../kustomize/fs/file-system.js';
import { readApps } from '../build/read-apps.js';
import type { HealthPolling } from '../deploy/deploy-types.js';
import { envFile } from '../read-environments.js';
import { canaryRecorder } from './canary-recorder.js';
import { trafficRouterFor } from './traffic-router-for.js';
import { walkCanary } from './walk-canary.js';

/**
 * The canaries the environment's strategy and the apps' `canary:` sections ask for in this render.
 *
 * @throws DeployError InvalidConfig (terminal) naming each app.yaml and field whose canary the render cannot serve
 */
export function planReleaseCanaries(tree: FileSystem, env: EnvConfig, objects: readonly KubeObject[]): PlannedCanary[] {
  const apps = readApps(tree).map(({ dir, config }) => ({ file: `${dir}/app.yaml`, config }));
  const { canaries, issues } = planCanaries(apps, env, objects, envFile(env.name));
  if (issues.length > 0)
    throw new DeployError(
      Reason.InvalidConfig,
      issues.map((issue) => `${issue.file}: ${issue.field}: ${issue.message}`).join('\n'),
    );
  return [...canaries];
}

export interface CanaryEnvironment {
  readonly env: EnvConfig;
  readonly cluster: Cluster;
  readonly cloudMap: () => ServiceDiscoveryClient;
}

function routeOf(canary: PlannedCanary, replicas: number): CanaryObjects {
  try {
    return canaryObjects(canary.app, canary.deployment, canary.service, replicas, {
      appMesh: canary.target.provider === 'appmesh',
    });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new DeployError(Reason.InvalidConfig, `${canary.file}: ${canary.field}: ${error.message}`);
  }
}

function routerOf(canary: PlannedCanary, at: CanaryEnvironment): TrafficRouter {
  return trafficRouterFor(canary.target, at.cluster, at.env, at.cloudMap);
}

/**
 * Asks each canary's traffic router whether it can serve the route (CRDs served, the Gateway or the mesh there).
 *
 * @throws DeployError InvalidConfig (terminal) naming env.yaml's traffic field and every problem
 */
export async function checkCanaryRoutes(
  walks: readonly PlannedCanary[],
  at: CanaryEnvironment,
  signal: AbortSignal,
): Promise<void> {
  const problems: string[] = [];
  for (const canary of walks) {
    const route = routeOf(canary, 1).route;
    const router = routerOf(canary, at);
    for (const problem of await router.check(route, { signal }))
      problems.push(
        `${envFile(at.env.name)}: traffic (${router.provider}, canary of ${canary.app} in ${canary.file}): ${problem.message}`,
      );
  }
  if (problems.length > 0) throw new DeployError(Reason.InvalidConfig, problems.join('\n'));
}

export interface CanaryRunOptions {
  readonly store: ReleaseStore;
  readonly revision: number;
  readonly fieldManager: string;
  readonly polling: HealthPolling;
  readonly now: () => number;
  readonly signal: AbortSignal;
  readonly log: { info(obj: object, message: string): void };
  /** Told each time progress was recorded, with every app's progress in the release. */
  readonly onProgress?: (canaries: readonly CanaryProgress[]) => Promise<void>;
  /**
   * The stable Deployment as the promotion applies it, from the rendered one (default: as rendered). The deploy
   * stage leaves out what a VPA manages (worker/stages/deploy/hand-over-to-autoscalers.ts), as its own apply does.
   */
  readonly promoted?: (deployment: KubeObject) => Promise<KubeObject>;
}

/** How the release's canaries ended: all promoted, or the first that aborted (the later ones never started). */
export type CanariesOutcome = (
  { readonly kind: 'promoted' } | { readonly kind: 'aborted'; readonly message: string; readonly ref: ObjectRef }
) & {
  /** Each walked canary, for the check run. */
  readonly summaries: readonly CanarySummary[];
};

/**
 * Walks each canary in turn, recording progress in release `revision`. A resumed run reads each app's recorded
 * progress and continues there (a settled canary is not walked again). Without `analysis.prometheus` in env.yaml the
 * gate is the canary's readiness and restarts only.
 */
export async function runCanaries(
  walks: readonly PlannedCanary[],
  at: CanaryEnvironment,
  options: CanaryRunOptions,
): Promise<CanariesOutcome> {
  const { store, revision, signal } = options;
  const recorded = (await store.list({ signal })).find((release) => release.revision === revision)?.canaries ?? [];
  const record = canaryRecorder(store, revision, signal, options.onProgress);
  const url = at.env.analysis.prometheus?.url;
  const analysis = url === undefined ? undefined : new PrometheusAnalysis({ url });
  const gate = analysis
    ? `readiness, restarts and ${analysis.source}`
    : 'readiness and restarts only (no analysis.prometheus in env.yaml)';
  const summaries: CanarySummary[] = [];
  for (const canary of walks) {
    const stable = await at.cluster.get(refOf(canary.deployment), { signal });
    const replicas = (stable?.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    const objects = routeOf(canary, replicas);
    const router = routerOf(canary, at);
    options.log.info(
      { app: canary.app, provider: router.provider, gate: analysis ? analysis.source : 'readiness only' },
      `canary of ${canary.app} through ${router.provider}, gate: ${gate}`,
    );
    let started = recorded.some((progress) => progress.app === canary.app);
    const outcome = await walkCanary(
      { app: canary.app, canary: canary.canary, objects, release: (await options.promoted?.(canary.deployment)) ?? canary.deployment },
      recorded.find((progress) => progress.app === canary.app),
      {
        cluster: at.cluster,
        router,
        ...(analysis && { analysis }),
        record: (progress) => {
          started = true;
          return record(progress);
        },
        fieldManager: options.fieldManager,
        availableTimeoutMs: at.env.rollout.timeout,
        polling: options.polling,
        now: options.now,
      },
      signal,
    ).catch(async (error: unknown) => {
      // A canary that never became Available took no traffic (nothing was recorded): it is scaled down before the
      // failure is reported, so it does not keep running beside stable. Once recorded, an abort does this itself.
      if (!started && error instanceof DeployError && error.terminal)
        await scaleDown(at.cluster, objects.deployment, options.fieldManager, signal);
      throw error;
    });
    const failedStep = outcome.progress.failure?.step ?? outcome.progress.step;
    summaries.push({
      app: canary.app,
      provider: router.provider,
      outcome:
        outcome.kind === 'promoted'
          ? `promoted after ${outcome.progress.steps} step${outcome.progress.steps === 1 ? '' : 's'}`
          : `aborted at step ${failedStep + 1} of ${outcome.progress.steps}; traffic back on stable`,
      gate,
    });
    if (outcome.kind === 'aborted') {
      // walkCanary's message names the step (`canary failed at step 2 of 3 (30 %): ...`).
      return {
        kind: 'aborted',
        message: `${canary.app} (${canary.file}): ${outcome.message}; all traffic is back on the stable version`,
        ref: refOf(objects.deployment),
        summaries,
      };
    }
  }
  return { kind: 'promoted', summaries };
}

async function scaleDown(cluster: Cluster, deployment: KubeObject, fieldManager: string, signal: AbortSignal) {
  const scaled: KubeObject = { ...deployment, spec: { ...(deployment.spec as object), replicas: 0 } };
  const [result] = await cluster.apply([scaled], { fieldManager, force: true, signal });
  if (result?.outcome === 'failed') throw result.error;
}
