import { z } from 'zod';
import type { KubeObject } from '../kube/object.js';
import { Reason } from '../reasons.js';
import type { HealthStatus } from './health-status.js';
import { degraded, healthy, progressing, readObject } from './health-status.js';

const claimSchema = z.looseObject({ status: z.looseObject({ phase: z.string().optional() }).optional() });

/**
 * A PersistentVolumeClaim: Healthy once Bound, Degraded when it lost its volume. A `WaitForFirstConsumer` class
 * binds only once a pod uses the claim, which is why claims are awaited after the workloads are applied.
 */
export function assessPersistentVolumeClaim(obj: KubeObject): HealthStatus {
  const read = readObject(claimSchema, obj);
  if (!read.ok) return read.health;
  const phase = read.value.status?.phase;
  if (phase === 'Bound') return healthy(Reason.Bound, 'claim is bound to a volume');
  if (phase === 'Lost') return degraded(Reason.ClaimLost, 'claim lost its volume');
  return progressing(Reason.ClaimPending, `claim is ${phase ?? 'Pending'}, waiting for a volume`);
}
