import { autoscaledTargets, isTarget, ownsReplicas, replicasHandover, seedReplicas } from '../../../core/diff/ignore-rules.js';
import type { VpaTarget } from '../../../core/diff/vpa-resources.js';
import { ownsVpaResources, resourcesHandover, vpaTargets, withoutVpaResources } from '../../../core/diff/vpa-resources.js';
import type { KubeObject } from '../../../core/kube/object.js';
import { refKey, refOf } from '../../../core/kube/object.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import type { ApplyCallOptions } from './apply-changes.js';
import { applyObjects } from './apply-changes.js';
import { readLive } from './compute-diff.js';

/** The temporary field manager of the replicas-only hand-over (see `replicasHandover`). */
export function handoverManager(fieldManager: string): string {
  return `${fieldManager}-replicas-handover`;
}

/**
 * The temporary field manager of the hand-over of VPA-managed resources (see `resourcesHandover`). Not the replicas
 * one: a manager's apply replaces everything it owned, so sharing it would drop a replicas hand-over still pending.
 */
export function resourcesHandoverManager(fieldManager: string): string {
  return `${fieldManager}-resources-handover`;
}

/**
 * Before an apply, never fight an autoscaler:
 * - over `/spec/replicas` (the payload already leaves the field out): a target gantry applied with `replicas` before
 *   its HPA or ScaledObject arrived is handed over first: the live count is applied alone under a temporary manager,
 *   so dropping the field from gantry's apply keeps it (not 1); a target not live yet is created with the
 *   autoscaler's minimum;
 * - over the container resources a VPA in an updating mode manages: a live target is applied without them (handed
 *   over the same way first when gantry owns some), so the live values stay; one not live yet is created with the
 *   manifest's values, the VPA's starting point.
 * Returns the objects to apply.
 */
export async function handOverToAutoscalers(
  objects: readonly KubeObject[],
  cluster: Cluster,
  options: ApplyCallOptions,
): Promise<KubeObject[]> {
  const scaled = autoscaledTargets(objects);
  const resized = vpaTargets(objects);
  const vpaTargetOf = (obj: KubeObject): VpaTarget | undefined => resized.find((t) => refKey(refOf(t.workload)) === refKey(refOf(obj)));
  const workloads = objects.filter((obj) => scaled.some((t) => isTarget(t, obj)) || vpaTargetOf(obj) !== undefined);
  if (workloads.length === 0) return [...objects];
  const live = await readLive(workloads.map(refOf), cluster, options.signal);
  const liveOf = (obj: KubeObject) => live.get(refKey(refOf(obj)));
  // Not forced: the live values are applied, so the only conflict would be a write racing this one; it fails retryably.
  const replicas = workloads.flatMap((obj) => {
    const current = liveOf(obj);
    return current !== undefined && scaled.some((t) => isTarget(t, obj)) && ownsReplicas(current, options.fieldManager) ? [replicasHandover(current)] : [];
  });
  await applyObjects(replicas, cluster, { ...options, fieldManager: handoverManager(options.fieldManager) }, { force: false });
  const resources = resized.flatMap((target) => {
    const current = liveOf(target.workload);
    const handover = current !== undefined && ownsVpaResources(target, current, options.fieldManager) ? resourcesHandover(target, current) : undefined;
    return handover === undefined ? [] : [handover];
  });
  await applyObjects(resources, cluster, { ...options, fieldManager: resourcesHandoverManager(options.fieldManager) }, { force: false });
  return seedReplicas(objects, (obj) => liveOf(obj) !== undefined).map((obj) => {
    const target = vpaTargetOf(obj);
    return target !== undefined && liveOf(obj) !== undefined ? withoutVpaResources(target, obj) : obj;
  });
}
