import { z } from 'zod';
import type { KubeObject } from '../kube/object.js';
import { Reason } from '../reasons.js';
import { podsFailure } from './assess-pod.js';
import type { HealthStatus, RelatedObjects } from './health-status.js';
import { conditionsSchema, count, degraded, describeCondition, findCondition, healthy, progressing, readObject } from './health-status.js';

const jobSchema = z.looseObject({
  spec: z.looseObject({ suspend: z.boolean().optional() }).prefault({}),
  status: z.looseObject({ active: count, succeeded: count, failed: count, conditions: conditionsSchema }).optional(),
});

/**
 * A Job: Healthy when Complete, Degraded when Failed (or about to be: `FailureTarget`) or when its pods cannot
 * run. A suspended Job is what its author asked for (it runs when someone resumes it), so it counts as done.
 */
export function assessJob(obj: KubeObject, related: RelatedObjects = {}): HealthStatus {
  const read = readObject(jobSchema, obj);
  if (!read.ok) return read.health;
  const { spec, status } = read.value;
  const isTrue = (type: string) => {
    const condition = findCondition(status?.conditions, type);
    return condition?.status === 'True' ? condition : undefined;
  };
  const failed = isTrue('Failed') ?? isTrue('FailureTarget');
  if (failed) return degraded(Reason.JobFailed, `job failed: ${describeCondition(failed)}`);
  if (isTrue('Complete') ?? isTrue('SuccessCriteriaMet')) return healthy(Reason.Complete, `job completed (${status?.succeeded ?? 0} succeeded)`);
  if (spec.suspend) return healthy(Reason.Ready, 'job is suspended; it runs when resumed');
  const failure = podsFailure(related.pods ?? []);
  if (failure) return failure;
  return progressing(Reason.JobRunning, `job running: ${status?.active ?? 0} active, ${status?.succeeded ?? 0} succeeded, ${status?.failed ?? 0} failed`);
}
