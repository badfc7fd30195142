import { autoscaledTargets, isTarget, ownsReplicas, replicasHandover, seedReplicas } from '../../../core/diff/ignore-rules.js';
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
 * Before an apply, never fight an autoscaler over `/spec/replicas` (the payload already leaves the field out):
 * - a target gantry applied with `replicas` before its autoscaler arrived is handed over first: the live count is
 *   applied alone under a temporary manager, so dropping the field from gantry's apply keeps it (not 1);
 * - a target not live yet is created with the autoscaler's minimum.
 * Returns the objects to apply.
 */
export async function handOverReplicas(
  objects: readonly KubeObject[],
  cluster: Cluster,
  options: ApplyCallOptions,
): Promise<KubeObject[]> {
  const targets = autoscaledTargets(objects);
  const workloads = objects.filter((obj) => targets.some((t) => isTarget(t, obj)));
  if (workloads.length === 0) return [...objects];
  const live = await readLive(workloads.map(refOf), cluster, options.signal);
  const handovers = workloads.flatMap((obj) => {
    const current = live.get(refKey(refOf(obj)));
    return current !== undefined && ownsReplicas(current, options.fieldManager) ? [replicasHandover(current)] : [];
  });
  // Not forced: the live count is applied, so the only conflict would be a write racing this one; it fails retryably.
  await applyObjects(handovers, cluster, { ...options, fieldManager: handoverManager(options.fieldManager) }, { force: false });
  return seedReplicas(objects, (obj) => live.has(refKey(refOf(obj))));
}
