import { setTimeout as sleep } from 'node:timers/promises';
import type { AggregateHealth, ObjectHealth } from '../../../core/health/aggregate-health.js';
import { aggregateHealth } from '../../../core/health/aggregate-health.js';
import { assessHealth } from '../../../core/health/assess-health.js';
import type { RolloutVerdict } from '../../../core/health/rollout-verdict.js';
import { rolloutVerdict } from '../../../core/health/rollout-verdict.js';
import { formatRef, type ObjectRef } from '../../../core/kube/object.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import { mapLimit } from '../../../adapters/kube/pool.js';
import type { HealthPolling } from './deploy-types.js';

export interface WaitOptions {
  /** The environment's `rollout.timeout`. */
  readonly timeoutMs: number;
  readonly polling: HealthPolling;
  readonly signal: AbortSignal;
  readonly now: () => number;
  /** Called after each check that did not settle it, for logs. */
  readonly onWait?: (health: AggregateHealth) => void;
}

/** How a wait ended: healthy, or failed with a reason (fail-fast or timeout), with the last health check. */
export interface WaitOutcome {
  readonly verdict: Exclude<RolloutVerdict, { kind: 'wait' }>;
  readonly health: AggregateHealth;
}

/** Kinds whose health depends on what they own (ReplicaSets, pods): read with `readRollout`. */
const WORKLOADS: ReadonlySet<string> = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'apps/DaemonSet',
  'apps/ReplicaSet',
  'batch/Job',
]);

/** Workload reads in flight at once: each is two or three requests. */
const READ_CONCURRENCY = 8;

/**
 * Step 9: polls the objects' health (core/health rules per kind) with a growing delay until all are Healthy, one
 * is Degraded (fail fast: `ProgressDeadlineExceeded`, a crash-looping pod), or `timeoutMs` passes.
 */
export async function waitForHealth(
  refs: readonly ObjectRef[],
  cluster: Cluster,
  options: WaitOptions,
): Promise<WaitOutcome> {
  const started = options.now();
  let delay = options.polling.initialMs;
  for (;;) {
    const health = aggregateHealth(await checkHealth(refs, cluster, options.signal));
    const verdict = rolloutVerdict(health, options.now() - started, options.timeoutMs);
    if (verdict.kind !== 'wait') return { verdict, health };
    options.onWait?.(health);
    await sleep(delay, undefined, { signal: options.signal });
    delay = Math.min(options.polling.maxMs, Math.round(delay * 1.5));
  }
}

/** One health check of every object. */
export async function checkHealth(
  refs: readonly ObjectRef[],
  cluster: Cluster,
  signal: AbortSignal,
): Promise<ObjectHealth[]> {
  const workloads = refs.filter(isWorkload);
  const others = refs.filter((ref) => !isWorkload(ref));
  const [workloadHealth, otherObjects] = await Promise.all([
    mapLimit(workloads, READ_CONCURRENCY, async (ref): Promise<ObjectHealth> => {
      const { workload, replicaSets, pods } = await cluster.readRollout(ref, { signal });
      return { ref, health: assessHealth(workload, ref.kind === 'Deployment' ? { pods, replicaSets } : { pods }) };
    }),
    others.length === 0 ? [] : cluster.getMany(others, { signal }),
  ]);
  const otherHealth = others.map((ref, index): ObjectHealth => ({ ref, health: assessHealth(otherObjects[index]) }));
  return [...workloadHealth, ...otherHealth];
}

function isWorkload(ref: ObjectRef): boolean {
  return WORKLOADS.has(`${ref.group}/${ref.kind}`);
}

/** The logger {@link waitLogger} writes to (a pino logger fits). */
export interface WaitLog {
  info(fields: object, message: string): void;
}

/** How often a wait that changes nothing is logged again. */
export const WAIT_LOG_INTERVAL_MS = 15_000;

/**
 * An `onWait` that says at info what a deploy is waiting for: at the first check, whenever the objects waited on or
 * their reasons change, and every {@link WAIT_LOG_INTERVAL_MS} otherwise. A deploy stuck on a load balancer that
 * never got an address used to sit silent for its whole rollout timeout (issue 7, item 4).
 */
export function waitLogger(
  log: WaitLog,
  now: () => number,
  intervalMs = WAIT_LOG_INTERVAL_MS,
): (health: AggregateHealth) => void {
  let lastKey: string | undefined;
  let lastAt = 0;
  return (health) => {
    const waitingOn = health.unhealthy.map(({ ref, health: h }) => ({
      object: formatRef(ref),
      status: h.status,
      reason: h.reason,
      message: h.message,
    }));
    const key = waitingOn.map((w) => `${w.object} ${w.status} ${w.reason}`).join('\n');
    const at = now();
    if (key === lastKey && at - lastAt < intervalMs) return;
    lastKey = key;
    lastAt = at;
    const total = Object.values(health.counts).reduce((a, b) => a + b, 0);
    log.info(
      { waitingOn, healthy: health.counts.Healthy, total },
      `waiting for ${waitingOn.length} of ${total} objects to become healthy: ${health.message}`,
    );
  };
}
