import { z } from 'zod';
import type { KubeObject } from '../kube/object.js';
import { Reason } from '../reasons.js';
import type { HealthStatus } from './health-status.js';
import { conditionsSchema, degraded, describeCondition, findCondition, healthy, metadataSchema, progressing, readObject } from './health-status.js';

const genericSchema = z.looseObject({
  metadata: metadataSchema,
  status: z.looseObject({ observedGeneration: z.number().int().optional(), conditions: conditionsSchema }).optional(),
});

/**
 * Any other kind, by the conventions kstatus reads: behind on `observedGeneration` → Progressing; `Stalled` true →
 * Degraded; `Reconciling` true or `Ready` false → Progressing; otherwise Healthy. An object without status
 * (ConfigMap, Role, most custom resources) takes effect when stored.
 */
export function assessGeneric(obj: KubeObject): HealthStatus {
  const read = readObject(genericSchema, obj);
  if (!read.ok) return read.health;
  const { metadata, status } = read.value;
  if (status === undefined) return healthy(Reason.Ready, 'no status to wait for');
  const observed = status.observedGeneration;
  if (observed !== undefined && metadata.generation !== undefined && observed < metadata.generation) {
    return progressing(Reason.NotObserved, `waiting for the controller to observe generation ${metadata.generation} (observed ${observed})`);
  }
  const stalled = findCondition(status.conditions, 'Stalled');
  if (stalled?.status === 'True') return degraded(Reason.Stalled, `stalled: ${describeCondition(stalled)}`);
  const reconciling = findCondition(status.conditions, 'Reconciling');
  if (reconciling?.status === 'True') return progressing(Reason.Reconciling, `reconciling: ${describeCondition(reconciling)}`);
  const ready = findCondition(status.conditions, 'Ready');
  if (ready?.status === 'False') return progressing(Reason.Reconciling, `not ready: ${describeCondition(ready)}`);
  return healthy(Reason.Ready, ready?.status === 'True' ? 'ready' : 'no condition to wait for');
}
