import { z } from 'zod';
import type { KubeObject } from '../kube/object.js';
import { Reason } from '../reasons.js';
import type { HealthStatus } from './health-status.js';
import { conditionsSchema, degraded, describeCondition, findCondition, healthy, progressing, readObject } from './health-status.js';

const hpaSchema = z.looseObject({ status: z.looseObject({ conditions: conditionsSchema }).optional() });

/**
 * `ScalingActive` reasons that mean the HPA itself is misconfigured, rather than that metrics are not there yet.
 */
const MISCONFIGURED = new Set(['InvalidSelector', 'InvalidMetricSourceType', 'FailedGetScale']);

/**
 * A HorizontalPodAutoscaler: Healthy once `AbleToScale` is true (it found and can scale its target); Degraded when
 * it cannot reach its target or its spec is invalid. Missing metrics do not fail a deploy: a fresh HPA has none for
 * its first minute, and a cluster without metrics-server never has any; the message says so instead.
 */
export function assessHorizontalPodAutoscaler(obj: KubeObject): HealthStatus {
  const read = readObject(hpaSchema, obj);
  if (!read.ok) return read.health;
  const conditions = read.value.status?.conditions;
  const able = findCondition(conditions, 'AbleToScale');
  const active = findCondition(conditions, 'ScalingActive');
  if (able?.status === 'False') return degraded(Reason.ScaleTargetInvalid, `cannot scale its target: ${describeCondition(able)}`);
  if (active?.status === 'False' && active.reason !== undefined && MISCONFIGURED.has(active.reason)) {
    return degraded(Reason.ScaleTargetInvalid, `cannot compute a scale: ${describeCondition(active)}`);
  }
  if (able?.status !== 'True') return progressing(Reason.NotObserved, 'waiting for the autoscaler to check its target');
  if (active?.status === 'False' && active.reason !== 'ScalingDisabled') return healthy(Reason.MetricsUnavailable, `can scale its target, but metrics are not available yet: ${describeCondition(active)}`);
  return healthy(Reason.Ready, 'autoscaler is active');
}
