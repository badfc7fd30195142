import { z } from 'zod';
import type { KubeObject } from '../kube/object.js';
import { Reason } from '../reasons.js';
import { podsFailure } from './assess-pod.js';
import type { HealthStatus, RelatedObjects } from './health-status.js';
import { count, healthy, metadataSchema, notObserved, progressing, readObject } from './health-status.js';

const daemonSetSchema = z.looseObject({
  metadata: metadataSchema,
  spec: z.looseObject({ updateStrategy: z.looseObject({ type: z.string().optional() }).optional() }).prefault({}),
  status: z
    .looseObject({
      observedGeneration: z.number().int().optional(),
      desiredNumberScheduled: count,
      updatedNumberScheduled: count,
      numberAvailable: count,
    })
    .optional(),
});

/**
 * A DaemonSet, by the rules of `kubectl rollout status`: observed, its pod updated on every node it should run on
 * (unless it updates `OnDelete`), and available there.
 */
export function assessDaemonSet(obj: KubeObject, related: RelatedObjects = {}): HealthStatus {
  const read = readObject(daemonSetSchema, obj);
  if (!read.ok) return read.health;
  const { metadata, spec, status } = read.value;
  const stale = notObserved(metadata.generation, status);
  if (stale || status === undefined) return stale ?? progressing(Reason.NotObserved, 'no status yet');
  const failure = podsFailure(related.pods ?? []);
  if (failure) return failure;
  const desired = status.desiredNumberScheduled ?? 0;
  const updated = status.updatedNumberScheduled ?? 0;
  const available = status.numberAvailable ?? 0;
  if (spec.updateStrategy?.type !== 'OnDelete' && updated < desired) return progressing(Reason.ReplicasUpdating, `${updated} of ${desired} scheduled pods updated`);
  if (available < desired) return progressing(Reason.ReplicasUnavailable, `${available} of ${desired} scheduled pods available`);
  return healthy(Reason.Ready, `${available} of ${desired} scheduled pods available`);
}
