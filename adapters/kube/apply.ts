// Server-side apply: one PATCH per object with the apply content type, one field manager, bounded parallelism.
import type { KubeObject, ObjectRef } from '../../core/kube/object.js';
import { refOf } from '../../core/kube/object.js';
import type { ClusterOperation } from '../../core/ports/cluster-error.js';
import { ClusterError } from '../../core/ports/cluster-error.js';
import type { ApplyOptions, ApplyResult } from '../../core/ports/cluster.js';
import { resourcePath } from './discovery.js';
import { fromFailure } from './errors.js';
import { mapLimit } from './pool.js';
import type { KubeClient } from './request.js';
import { asObject, guard, resolveTarget, send } from './request.js';

/** The content type that makes a PATCH a server-side apply; JSON is valid YAML, so the body is plain JSON. */
const APPLY_PATCH = 'application/apply-patch+yaml';

export interface SsaOptions extends ApplyOptions {
  readonly dryRun: boolean;
  readonly operation: ClusterOperation;
}

/** The object the server stored (or, in a dry run, would store), and the ref as the server scopes it. */
export interface Applied {
  readonly ref: ObjectRef;
  readonly object: KubeObject;
}

/**
 * Server-side applies one object. Strict field validation: an unknown or duplicated field is an error (`Invalid`),
 * not a warning, so a typo in a manifest fails the dry run instead of silently doing nothing.
 */
export async function serverSideApply(kube: KubeClient, obj: KubeObject, options: SsaOptions): Promise<Applied> {
  const ctx = { operation: options.operation, ref: refOf(obj) };
  return guard(ctx, options.signal, async () => {
    const target = await resolveTarget(kube, ctx.ref, ctx, options.signal);
    const scoped = { ...ctx, ref: target.ref };
    const res = await send(
      kube,
      {
        method: 'PATCH',
        path: resourcePath(target.kind, target.ref.namespace, target.ref.name),
        query: { fieldManager: options.fieldManager, force: options.force ? 'true' : undefined, dryRun: options.dryRun ? 'All' : undefined, fieldValidation: 'Strict' },
        body: bodyFor(obj, target.ref),
        contentType: APPLY_PATCH,
        signal: options.signal,
      },
      scoped,
    );
    return { ref: target.ref, object: asObject(res.body, scoped) };
  });
}

/** Applies every object, at most `kube.concurrency` at a time; one result per object, in input order. Rejects only when aborted. */
export function applyAll(kube: KubeClient, objects: readonly KubeObject[], options: ApplyOptions): Promise<ApplyResult[]> {
  return mapLimit(objects, kube.concurrency, async (obj): Promise<ApplyResult> => {
    try {
      const { ref, object } = await serverSideApply(kube, obj, { ...options, dryRun: false, operation: 'apply' });
      return { outcome: 'applied', ref, object };
    } catch (err) {
      const error = asClusterError(err, obj, 'apply', options.signal);
      return { outcome: 'failed', ref: error.ref ?? refOf(obj), error };
    }
  });
}

/**
 * The per-object error of a batch; an abort is not one object's failure, so it rethrows the caller's reason and
 * the whole batch rejects.
 */
export function asClusterError(err: unknown, obj: KubeObject, operation: ClusterOperation, signal?: AbortSignal): ClusterError {
  const error = err instanceof ClusterError ? err : fromFailure(err, { operation, ref: refOf(obj) }, signal);
  if (error instanceof ClusterError) return error;
  throw error;
}

/** The manifest as sent: a cluster-scoped object loses the namespace a rendering may have given it. */
function bodyFor(obj: KubeObject, ref: ObjectRef): KubeObject {
  if (ref.namespace !== undefined || obj.metadata.namespace === undefined) return obj;
  const { namespace: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}
