import { z } from 'zod';
import type { KubeObject } from '../kube/object.js';
import { Reason } from '../reasons.js';
import { podsFailure } from './assess-pod.js';
import { currentDeploymentPods } from './current-pods.js';
import type { HealthStatus, RelatedObjects } from './health-status.js';
import { replicaFailureHealth } from './replica-failure.js';
import { conditionsSchema, count, degraded, findCondition, healthy, metadataSchema, notObserved, progressing, readObject } from './health-status.js';

const deploymentSchema = z.looseObject({
  metadata: metadataSchema,
  spec: z.looseObject({ replicas: count, paused: z.boolean().optional() }).prefault({}),
  status: z
    .looseObject({
      observedGeneration: z.number().int().optional(),
      replicas: count,
      updatedReplicas: count,
      availableReplicas: count,
      conditions: conditionsSchema,
    })
    .optional(),
});

/**
 * A Deployment, by the rules of `kubectl rollout status` and kstatus: the controller has observed the latest
 * generation, every replica runs the new template, no old replica is left, every updated replica is available.
 * Fails fast, without waiting for a timeout, when the Progressing condition reports `ProgressDeadlineExceeded`,
 * when a pod of the new ReplicaSet cannot run (crash loop, image pull), when the apiserver rejects its pods as
 * invalid, or when the Deployment is paused.
 */
export function assessDeployment(obj: KubeObject, related: RelatedObjects = {}): HealthStatus {
  const read = readObject(deploymentSchema, obj);
  if (!read.ok) return read.health;
  const { metadata, spec, status } = read.value;
  // A paused Deployment never rolls out its new template: waiting for it could only end in a timeout.
  if (spec.paused) return degraded(Reason.RolloutPaused, 'the Deployment is paused (spec.paused: true), so its new template will not roll out; unpause it');
  const stale = notObserved(metadata.generation, status);
  if (stale || status === undefined) return stale ?? progressing(Reason.NotObserved, 'no status yet');
  const progress = findCondition(status.conditions, 'Progressing');
  if (progress?.status === 'False' && progress.reason === 'ProgressDeadlineExceeded') {
    return degraded(Reason.ProgressDeadlineExceeded, `rollout exceeded its progress deadline: ${progress.message ?? 'no message'}`);
  }
  const failure = podsFailure(currentDeploymentPods(obj, related.pods ?? [], related.replicaSets));
  if (failure) return failure;
  return replicaProgress(spec.replicas ?? 1, status);
}

function replicaProgress(desired: number, status: { replicas?: number; updatedReplicas?: number; availableReplicas?: number; conditions?: z.infer<typeof conditionsSchema> }): HealthStatus {
  const replicas = status.replicas ?? 0;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const replicaFailure = findCondition(status.conditions, 'ReplicaFailure');
  if (replicaFailure?.status === 'True') return replicaFailureHealth(replicaFailure);
  if (updated < desired) return progressing(Reason.ReplicasUpdating, `${updated} of ${desired} replicas updated to the new template`);
  if (replicas > updated) return progressing(Reason.OldReplicasPending, `${replicas - updated} old replica${replicas - updated === 1 ? '' : 's'} pending termination`);
  if (available < updated) return progressing(Reason.ReplicasUnavailable, `${available} of ${updated} updated replicas available`);
  return healthy(Reason.Ready, `${available} of ${desired} replicas available`);
}
