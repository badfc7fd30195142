import { z } from 'zod';
import type { KubeObject } from '../kube/object.js';
import { Reason } from '../reasons.js';
import { podsFailure } from './assess-pod.js';
import type { HealthStatus, RelatedObjects } from './health-status.js';
import { replicaFailureHealth } from './replica-failure.js';
import { conditionsSchema, count, findCondition, healthy, metadataSchema, notObserved, progressing, readObject } from './health-status.js';

const replicaSetSchema = z.looseObject({
  metadata: metadataSchema,
  spec: z.looseObject({ replicas: count }).prefault({}),
  status: z
    .looseObject({ observedGeneration: z.number().int().optional(), availableReplicas: count, conditions: conditionsSchema })
    .optional(),
});

/**
 * A ReplicaSet applied on its own (those a Deployment owns are judged through the Deployment): observed, and as
 * many replicas available as desired. A `ReplicaFailure` keeps it Progressing (quota can free up) unless the apiserver
 * rejects its pods as invalid (core/health/replica-failure.ts); a pod that cannot run fails it.
 */
export function assessReplicaSet(obj: KubeObject, related: RelatedObjects = {}): HealthStatus {
  const read = readObject(replicaSetSchema, obj);
  if (!read.ok) return read.health;
  const { metadata, spec, status } = read.value;
  const stale = notObserved(metadata.generation, status);
  if (stale || status === undefined) return stale ?? progressing(Reason.NotObserved, 'no status yet');
  const failure = podsFailure(related.pods ?? []);
  if (failure) return failure;
  const replicaFailure = findCondition(status.conditions, 'ReplicaFailure');
  if (replicaFailure?.status === 'True') return replicaFailureHealth(replicaFailure);
  const desired = spec.replicas ?? 1;
  const available = status.availableReplicas ?? 0;
  if (available < desired) return progressing(Reason.ReplicasUnavailable, `${available} of ${desired} replicas available`);
  return healthy(Reason.Ready, `${available} of ${desired} replicas available`);
}
