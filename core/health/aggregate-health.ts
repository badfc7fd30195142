import type { ObjectRef } from '../kube/object.js';
import { formatRef } from '../kube/object.js';
import { Reason } from '../reasons.js';
import type { HealthState, HealthStatus } from './health-status.js';

/** One object's health, with its identity. */
export interface ObjectHealth {
  readonly ref: ObjectRef;
  readonly health: HealthStatus;
}

/** The health of a set of objects: the worst of them, how many are in each state, and the ones not healthy. */
export interface AggregateHealth extends HealthStatus {
  readonly counts: Readonly<Record<HealthState, number>>;
  /** The objects that are not Healthy, worst first. */
  readonly unhealthy: readonly ObjectHealth[];
}

/** Worst last. Unknown ranks above Progressing (it may be worse) and below Degraded (it may be fine). */
const SEVERITY: Readonly<Record<HealthState, number>> = { Healthy: 0, Progressing: 1, Unknown: 2, Degraded: 3 };

/**
 * Combines the health of every awaited object: the result is as bad as the worst object, with its reason, and a
 * message that names it (`Deployment/shop/api: 1 of 3 replicas updated (and 2 more progressing)`).
 */
export function aggregateHealth(results: readonly ObjectHealth[]): AggregateHealth {
  const counts: Record<HealthState, number> = { Healthy: 0, Progressing: 0, Unknown: 0, Degraded: 0 };
  for (const result of results) counts[result.health.status] += 1;
  const unhealthy = results
    .filter((result) => result.health.status !== 'Healthy')
    .map((result, index) => ({ result, index }))
    .sort((a, b) => SEVERITY[b.result.health.status] - SEVERITY[a.result.health.status] || a.index - b.index)
    .map(({ result }) => result);
  const worst = unhealthy[0];
  if (worst === undefined) {
    const message = results.length === 0 ? 'nothing to wait for' : `all ${results.length} object${results.length === 1 ? '' : 's'} healthy`;
    return { status: 'Healthy', reason: Reason.Ready, message, counts, unhealthy };
  }
  const others = counts[worst.health.status] - 1;
  const more = others > 0 ? ` (and ${others} more ${worst.health.status.toLowerCase()})` : '';
  return { status: worst.health.status, reason: worst.health.reason, message: `${formatRef(worst.ref)}: ${worst.health.message}${more}`, counts, unhealthy };
}
