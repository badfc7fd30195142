// Deleting one object (prune, rollback of what a failed release added). Gone already is success.
import type { ObjectRef } from '../../core/kube/object.js';
import { ClusterError } from '../../core/ports/cluster-error.js';
import type { DeleteOptions, DeleteOutcome } from '../../core/ports/cluster.js';
import { resourcePath } from './discovery.js';
import type { KubeClient } from './request.js';
import { guard, resolveTarget, send } from './request.js';

/**
 * Deletes the object with the given propagation (default Background). `absent` when it was not there: not found,
 * its namespace gone, or its kind no longer served (its CRD deleted, which deletes its objects too).
 */
export async function deleteObject(kube: KubeClient, ref: ObjectRef, options: DeleteOptions = {}): Promise<DeleteOutcome> {
  const ctx = { operation: 'delete' as const, ref };
  try {
    return await guard(ctx, options.signal, async () => {
      const target = await resolveTarget(kube, ref, ctx, options.signal);
      const scoped = { ...ctx, ref: target.ref };
      const req = {
        method: 'DELETE' as const,
        path: resourcePath(target.kind, target.ref.namespace, target.ref.name),
        body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: options.propagation ?? 'Background' },
        signal: options.signal,
      };
      await send(kube, req, scoped);
      return 'deleted' as const;
    });
  } catch (err) {
    if (err instanceof ClusterError && (err.code === 'NotFound' || err.code === 'NamespaceNotFound' || err.code === 'KindNotFound')) return 'absent';
    throw err;
  }
}
