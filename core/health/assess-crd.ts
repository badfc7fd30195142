import { z } from 'zod';
import type { KubeObject } from '../kube/object.js';
import { Reason } from '../reasons.js';
import type { HealthStatus } from './health-status.js';
import { conditionsSchema, degraded, describeCondition, findCondition, healthy, progressing, readObject } from './health-status.js';

const crdSchema = z.looseObject({ status: z.looseObject({ conditions: conditionsSchema }).optional() });

/**
 * A CustomResourceDefinition: Healthy once `Established` (the apiserver serves the new kind, so its objects can be
 * applied); Degraded when its names conflict with another definition's (`NamesAccepted` false).
 */
export function assessCustomResourceDefinition(obj: KubeObject): HealthStatus {
  const read = readObject(crdSchema, obj);
  if (!read.ok) return read.health;
  const conditions = read.value.status?.conditions;
  const names = findCondition(conditions, 'NamesAccepted');
  if (names?.status === 'False') return degraded(Reason.Stalled, `names not accepted: ${describeCondition(names)}`);
  if (findCondition(conditions, 'Established')?.status === 'True') return healthy(Reason.Ready, 'established: the kind is served');
  return progressing(Reason.NotObserved, 'waiting for the definition to be established');
}
