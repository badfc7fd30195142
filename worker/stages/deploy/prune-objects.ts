import { pruneStagesFor } from '../../../core/apply/apply-order.js';
import type { ObjectRef } from '../../../core/kube/object.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import { mapLimit } from '../../../adapters/kube/pool.js';

/** Deletes in flight at once within one prune stage. */
const DELETE_CONCURRENCY = 8;

/**
 * Step 8: deletes the objects core/prune decided to prune, in reverse apply order (routes before what they route
 * to, workloads before their config). An object already gone is fine, so a resumed run may repeat this step.
 *
 * @returns how many objects were there to delete
 * @throws ClusterError when a delete fails (terminal or, after the adapter's retries, transient)
 */
export async function pruneObjects(refs: readonly ObjectRef[], cluster: Cluster, signal: AbortSignal): Promise<number> {
  let deleted = 0;
  for (const stage of pruneStagesFor(refs)) {
    const outcomes = await mapLimit(stage.items, DELETE_CONCURRENCY, (ref) => cluster.delete(ref, { signal }));
    deleted += outcomes.filter((outcome) => outcome === 'deleted').length;
  }
  return deleted;
}
