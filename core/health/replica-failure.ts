import { Reason } from '../reasons.js';
import type { Condition, HealthStatus } from './health-status.js';
import { degraded, describeCondition, progressing } from './health-status.js';

/**
 * A controller's `ReplicaFailure` condition (reason `FailedCreate` and the apiserver's answer) as a verdict.
 * `kubectl rollout status` and kstatus keep waiting on it, and for quota, a LimitRange or a webhook that is down
 * that is right: those clear without a new commit. A pod the apiserver rejects as invalid (`Pod "x" is invalid: …`,
 * for example a field only pod validation checks) never will, so it fails now instead of at the progress deadline
 * (600 s by default), with the apiserver's words.
 */
export function replicaFailureHealth(condition: Condition): HealthStatus {
  if (condition.reason === 'FailedCreate' && /\bis invalid: /.test(condition.message ?? '')) {
    return degraded(Reason.PodRejected, `the apiserver rejects the new pods: ${condition.message ?? ''}`);
  }
  return progressing(Reason.ReplicaFailure, `cannot create replicas: ${describeCondition(condition)}`);
}
