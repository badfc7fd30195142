import { z } from 'zod';
import type { KubeObject } from '../kube/object.js';
import { Reason } from '../reasons.js';
import { podsFailure } from './assess-pod.js';
import { currentStatefulSetPods } from './current-pods.js';
import type { HealthStatus, RelatedObjects } from './health-status.js';
import { count, healthy, metadataSchema, notObserved, progressing, readObject } from './health-status.js';

const statefulSetSchema = z.looseObject({
  metadata: metadataSchema,
  spec: z
    .looseObject({
      replicas: count,
      updateStrategy: z
        .looseObject({ type: z.string().optional(), rollingUpdate: z.looseObject({ partition: count }).optional() })
        .optional(),
    })
    .prefault({}),
  status: z
    .looseObject({
      observedGeneration: z.number().int().optional(),
      replicas: count,
      readyReplicas: count,
      updatedReplicas: count,
      currentRevision: z.string().optional(),
      updateRevision: z.string().optional(),
    })
    .optional(),
});

/**
 * A StatefulSet, by the rules of `kubectl rollout status`: observed, every replica ready, and the rolling update
 * finished (every pod at the update revision, or, with a partition, every pod above it). `OnDelete` updates only
 * happen when someone deletes pods, so for them readiness is all there is to wait for.
 */
export function assessStatefulSet(obj: KubeObject, related: RelatedObjects = {}): HealthStatus {
  const read = readObject(statefulSetSchema, obj);
  if (!read.ok) return read.health;
  const { metadata, spec, status } = read.value;
  const stale = notObserved(metadata.generation, status);
  if (stale || status === undefined) return stale ?? progressing(Reason.NotObserved, 'no status yet');
  const failure = podsFailure(currentStatefulSetPods(status.updateRevision, related.pods ?? []));
  if (failure) return failure;
  const desired = spec.replicas ?? 1;
  const ready = status.readyReplicas ?? 0;
  if ((status.replicas ?? 0) > desired) return progressing(Reason.OldReplicasPending, `${(status.replicas ?? 0) - desired} replicas pending termination`);
  if (ready < desired) return progressing(Reason.ReplicasUnavailable, `${ready} of ${desired} replicas ready`);
  if (spec.updateStrategy?.type === 'OnDelete') return healthy(Reason.Ready, `${ready} of ${desired} replicas ready (OnDelete: pods update when deleted)`);
  const partition = spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  const updated = status.updatedReplicas ?? 0;
  if (partition > 0) {
    const expected = Math.max(desired - partition, 0);
    if (updated < expected) return progressing(Reason.ReplicasUpdating, `${updated} of ${expected} replicas above partition ${partition} updated`);
    return healthy(Reason.Ready, `${expected} replicas above partition ${partition} updated, ${ready} ready`);
  }
  if (status.updateRevision !== undefined && status.updateRevision !== status.currentRevision) {
    return progressing(Reason.ReplicasUpdating, `${updated} of ${desired} replicas at revision ${status.updateRevision}`);
  }
  return healthy(Reason.Ready, `${ready} of ${desired} replicas ready`);
}
