import { formatDuration } from '../config/duration.js';
import { Reason } from '../reasons.js';
import type { AggregateHealth } from './aggregate-health.js';

/** What the rollout wait does next. */
export type RolloutVerdict =
  | { readonly kind: 'healthy' }
  | { readonly kind: 'wait' }
  /** Stop waiting: `reason` is the worst object's (fail fast) or `HealthCheckTimeout`. */
  | { readonly kind: 'failed'; readonly reason: Reason; readonly message: string };

/**
 * Decides, after each health check, whether the rollout is done, must keep waiting, or failed. A Degraded object
 * fails it at once (as Flux fails fast on stalled objects) instead of after the environment's timeout.
 *
 * @param elapsedMs time since the apply finished
 * @param timeoutMs the environment's `rollout.timeout`
 */
export function rolloutVerdict(health: AggregateHealth, elapsedMs: number, timeoutMs: number): RolloutVerdict {
  if (health.status === 'Healthy') return { kind: 'healthy' };
  if (health.status === 'Degraded') return { kind: 'failed', reason: health.reason, message: health.message };
  if (elapsedMs >= timeoutMs) {
    return { kind: 'failed', reason: Reason.HealthCheckTimeout, message: `not healthy after ${formatDuration(timeoutMs)}: ${health.message}` };
  }
  return { kind: 'wait' };
}
