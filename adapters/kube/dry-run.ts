// Validation before anything is applied: a server-side dry-run apply of every object, reported per object.
import type { KubeObject } from '../../core/kube/object.js';
import { refOf } from '../../core/kube/object.js';
import type { DryRunOptions, DryRunResult } from '../../core/ports/cluster.js';
import { asClusterError, serverSideApply } from './apply.js';
import { mapLimit } from './pool.js';
import type { KubeClient } from './request.js';

/**
 * Dry-runs every object (validation, defaulting, admission; nothing persisted), at most `kube.concurrency` at a
 * time. Never stops early: the caller sees every rejection at once and decides that any means nothing is applied.
 */
export function dryRunAll(kube: KubeClient, objects: readonly KubeObject[], options: DryRunOptions): Promise<DryRunResult[]> {
  return mapLimit(objects, kube.concurrency, async (obj): Promise<DryRunResult> => {
    try {
      const { ref, object } = await serverSideApply(kube, obj, { ...options, dryRun: true, operation: 'dry-run' });
      return { outcome: 'valid', ref, object };
    } catch (err) {
      const error = asClusterError(err, obj, 'dry-run', options.signal);
      return { outcome: 'rejected', ref: error.ref ?? refOf(obj), error };
    }
  });
}
