// One app's canary, start to finish, as a numbered script over core/canary's decisions:
//   1. the canary Deployment and Service come up beside stable (the canary objects), and must be Available;
//   2. the route moves to the first step; then every check: read the canary, measure it (when an analysis port is
//      configured), judge (core/canary/canary-gate.ts), decide (hold, shift, promote, abort), record, act;
//   3. promote: the stable Deployment takes the new template and must be Available, the route goes 100/0 on it,
//      the canary is scaled to 0;
//   4. abort: stable is confirmed Available first, then the route goes 100/0 on it, the canary is scaled to 0.
// Progress is recorded (deps.record) before each action, so a resumed walk (progress given) sets the recorded
// weights again (idempotent) and continues at the recorded step: never back at 0 % with traffic already shifted.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppCanary } from '../../../core/config/app-workload.js';
import { evaluateGate } from '../../../core/canary/canary-gate.js';
import type { CanaryObjects } from '../../../core/canary/canary-objects.js';
import {
  ALL_STABLE,
  decideAfterCheck,
  describeStep,
  nextCheckDelay,
  settleCanary,
  startCanary,
} from '../../../core/canary/canary-progress.js';
import { canaryReadiness } from '../../../core/canary/canary-readiness.js';
import { refOf, type KubeObject } from '../../../core/kube/object.js';
import type { CanaryAnalysis } from '../../../core/ports/canary-analysis.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import type { TrafficRouter } from '../../../core/ports/traffic-router.js';
import type { CanaryProgress } from '../../../core/release/release.js';
import { DeployError } from '../../../core/deploy-error.js';
import { Reason } from '../../../core/reasons.js';
import { waitForHealth } from '../deploy/wait-for-health.js';
import type { HealthPolling } from '../deploy/deploy-types.js';

export interface CanaryWalk {
  readonly app: string;
  readonly canary: AppCanary;
  /** The canary Deployment and Service, and the route between them and stable (core/canary/canary-objects.ts). */
  readonly objects: CanaryObjects;
  /** The rendered Deployment: what stable becomes on promotion. */
  readonly release: KubeObject;
}

export interface CanaryDeps {
  readonly cluster: Cluster;
  readonly router: TrafficRouter;
  /** Absent: no metrics source for the environment; the gate is readiness only. */
  readonly analysis?: CanaryAnalysis;
  /** Stores the progress durably (the release record); called before every action. */
  readonly record: (progress: CanaryProgress) => Promise<void>;
  /** The server-side apply field manager of the environment (`gantry`). */
  readonly fieldManager: string;
  /** How long the canary and, on promotion, stable may take to become Available. */
  readonly availableTimeoutMs: number;
  readonly polling?: HealthPolling;
  readonly now?: () => number;
}

export type CanaryOutcome =
  | { readonly kind: 'promoted'; readonly progress: CanaryProgress }
  | { readonly kind: 'aborted'; readonly progress: CanaryProgress; readonly message: string };

const POLLING: HealthPolling = { initialMs: 100, maxMs: 1_000 };

export async function walkCanary(
  walk: CanaryWalk,
  resumeFrom: CanaryProgress | undefined,
  deps: CanaryDeps,
  signal: AbortSignal,
): Promise<CanaryOutcome> {
  const now = deps.now ?? Date.now;
  let progress = resumeFrom;
  if (progress === undefined) {
    // 1. The canary beside stable, Available before it takes any traffic.
    await apply(deps, [walk.objects.service, walk.objects.deployment], signal);
    await waitAvailable(deps, walk.objects.deployment, signal, 'the canary');
    const started = startCanary(
      walk.app,
      deps.router.provider,
      walk.canary,
      (await readCanary(deps, walk, signal)).restarts,
      new Date(now()),
    );
    progress = started.progress;
    await deps.record(progress);
    await deps.router.setWeights(walk.objects.route, started.weights, { signal });
    progress = await stepBegins(deps, progress, now);
  } else if (progress.phase === 'stepping') {
    // Resumed: the route holds what was recorded (set again: a kill may have come between record and set).
    await deps.router.setWeights(walk.objects.route, progress.weights, { signal });
  }

  // 2. Checks until a decision ends the walk.
  while (progress.phase === 'stepping') {
    await sleep(nextCheckDelay(progress, walk.canary, new Date(now())), undefined, { signal });
    const readiness = await readCanary(deps, walk, signal);
    const sample = deps.analysis
      ? await deps.analysis.measure(
          {
            app: walk.app,
            namespace: walk.objects.route.namespace,
            version: walk.objects.deployment.metadata.name,
            windowMs: walk.canary.interval,
          },
          { signal },
        )
      : undefined;
    const gate = evaluateGate({
      readiness,
      restartsAtStart: progress.restartsAtStart,
      limits: walk.canary.analysis,
      sample,
    });
    const decision = decideAfterCheck(progress, walk.canary, gate, new Date(now()));
    progress = decision.progress;
    await deps.record(progress);
    if (decision.kind === 'shift') {
      await deps.router.setWeights(walk.objects.route, decision.weights, { signal });
      progress = await stepBegins(deps, progress, now);
    }
  }
  if (progress.phase === 'promoting') {
    // 3. Stable takes the new template (its old one recorded first), then all traffic, then the canary goes.
    if (progress.previousTemplate === undefined) {
      progress = { ...progress, previousTemplate: await stableTemplate(deps, walk, signal) };
      await deps.record(progress);
    }
    await apply(deps, [walk.release], signal);
    const failed = await waitAvailable(deps, walk.release, signal, 'stable on the new version').then(
      () => undefined,
      (error: unknown) => {
        if (error instanceof DeployError && error.terminal) return error;
        throw error;
      },
    );
    if (failed === undefined) {
      await deps.router.setWeights(walk.objects.route, ALL_STABLE, { signal });
      await scaleToZero(deps, walk.objects.deployment, signal);
      progress = settleCanary(progress, new Date(now()));
      await deps.record(progress);
    } else {
      // The new version failed in stable's Deployment while the canary still serves its share: an abort, which
      // puts stable's previous template back (below) before the route returns to it.
      const message = `canary promotion failed after ${describeStep(progress)}: ${failed.message}`;
      progress = { ...progress, phase: 'aborting', failure: { step: progress.step, message } };
      await deps.record(progress);
    }
  }
  if (progress.phase === 'aborting') {
    // 4. Stable must be able to take the traffic before it gets it back (on its previous template if a promotion
    //    had replaced it); then the canary goes.
    if (progress.previousTemplate !== undefined) await restoreStable(deps, walk, progress.previousTemplate, signal);
    await waitAvailable(deps, walk.release, signal, 'stable');
    await deps.router.setWeights(walk.objects.route, ALL_STABLE, { signal });
    await scaleToZero(deps, walk.objects.deployment, signal);
    progress = settleCanary(progress, new Date(now()));
    await deps.record(progress);
  }
  return progress.phase === 'aborted'
    ? { kind: 'aborted', progress, message: progress.failure?.message ?? `canary aborted at ${describeStep(progress)}` }
    : { kind: 'promoted', progress };
}

/**
 * The step's pause counts from the route Accepted at its weights, not from the decision: the step holds its weights
 * for the whole pause. Recorded, so a resumed walk keeps the time already spent in the step.
 */
async function stepBegins(deps: CanaryDeps, progress: CanaryProgress, now: () => number): Promise<CanaryProgress> {
  const begun = { ...progress, stepStartedAt: new Date(now()).toISOString() };
  await deps.record(begun);
  return begun;
}

/** The live stable Deployment's pod template (what it runs before the promotion). */
async function stableTemplate(deps: CanaryDeps, walk: CanaryWalk, signal: AbortSignal): Promise<Record<string, unknown>> {
  const live = await deps.cluster.get(refOf(walk.release), { signal });
  const template = (live?.spec as { template?: Record<string, unknown> } | undefined)?.template;
  if (template === undefined)
    throw new DeployError(Reason.CanaryAborted, `the stable Deployment ${refOf(walk.release).name} is gone: nothing to promote`, {
      ref: refOf(walk.release),
    });
  return template;
}

/** Stable back on the template it ran before the promotion (as `kubectl rollout undo` would), under gantry's field manager. */
async function restoreStable(
  deps: CanaryDeps,
  walk: CanaryWalk,
  template: Readonly<Record<string, unknown>>,
  signal: AbortSignal,
): Promise<void> {
  await apply(deps, [{ ...walk.release, spec: { ...(walk.release.spec as object), template } }], signal);
}

async function readCanary(deps: CanaryDeps, walk: CanaryWalk, signal: AbortSignal) {
  const { workload, replicaSets, pods } = await deps.cluster.readRollout(refOf(walk.objects.deployment), { signal });
  return canaryReadiness(workload, replicaSets, pods);
}

async function apply(deps: CanaryDeps, objects: readonly KubeObject[], signal: AbortSignal): Promise<void> {
  const results = await deps.cluster.apply(objects, { fieldManager: deps.fieldManager, force: true, signal });
  for (const result of results) if (result.outcome === 'failed') throw result.error;
}

async function waitAvailable(
  deps: CanaryDeps,
  deployment: KubeObject,
  signal: AbortSignal,
  what: string,
): Promise<void> {
  const { verdict } = await waitForHealth([refOf(deployment)], deps.cluster, {
    timeoutMs: deps.availableTimeoutMs,
    polling: deps.polling ?? POLLING,
    signal,
    now: deps.now ?? Date.now,
  });
  if (verdict.kind === 'failed') {
    throw new DeployError(verdict.reason, `${what} did not become Available: ${verdict.message}`, {
      ref: refOf(deployment),
    });
  }
}

async function scaleToZero(deps: CanaryDeps, deployment: KubeObject, signal: AbortSignal): Promise<void> {
  const ref = refOf(deployment);
  // Only `replicas`, under the same field manager: the canary's template stays as it was, for the record.
  const scaled: KubeObject = {
    apiVersion: deployment.apiVersion,
    kind: 'Deployment',
    metadata: { name: ref.name, namespace: ref.namespace },
    spec: { ...(deployment.spec as object), replicas: 0 },
  };
  await apply(deps, [scaled], signal);
}
