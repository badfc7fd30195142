// The one way every verb talks to the API server: one request, classified, retried when a retry can cure it.
import type { KubeObject, ObjectRef } from '../../core/kube/object.js';
import { splitApiVersion } from '../../core/kube/object.js';
import { ClusterError } from '../../core/ports/cluster-error.js';
import type { Discovery, ResolvedKind } from './discovery.js';
import { scopeRef } from './discovery.js';
import type { ErrorContext } from './errors.js';
import { clusterRetryRules, fromFailure, fromResponse } from './errors.js';
import type { BackoffPolicy } from '../common/with-backoff.js';
import { withBackoff } from '../common/with-backoff.js';
import type { KubeRequest, KubeResponse, KubeTransport } from './transport.js';

/** What every verb needs: the connection, the discovery cache, and the policies. */
export interface KubeClient {
  readonly transport: KubeTransport;
  readonly discovery: Discovery;
  readonly retry: BackoffPolicy;
  /** Requests in flight per batch call. */
  readonly concurrency: number;
}

/**
 * Sends `req`, retrying retryable failures; resolves with a response whose status `accept` allows (default: 2xx),
 * rejects with a ClusterError otherwise.
 */
export function send(kube: KubeClient, req: KubeRequest, ctx: ErrorContext, accept: (status: number) => boolean = isSuccess): Promise<KubeResponse> {
  return withBackoff(
    async () => {
      const res = await kube.transport.request(req).catch((err: unknown) => Promise.reject(fromFailure(err, ctx, req.signal)));
      if (!accept(res.status)) throw fromResponse(res, ctx);
      return res;
    },
    kube.retry,
    clusterRetryRules(req.signal),
  );
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Runs `fn` so that whatever it throws surfaces as a ClusterError about `ctx` (or as the caller's abort reason). */
export async function guard<T>(ctx: ErrorContext, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw signal?.aborted ? signal.reason : err instanceof ClusterError ? err : fromFailure(err, ctx, signal);
  }
}

/** A ref's kind resolved through discovery, and the ref as the server scopes it. */
export interface Target {
  readonly kind: ResolvedKind;
  readonly ref: ObjectRef;
}

export async function resolveTarget(kube: KubeClient, ref: ObjectRef, ctx: ErrorContext, signal?: AbortSignal): Promise<Target> {
  const kind = await kube.discovery.resolve(ref, ctx, signal);
  return { kind, ref: scopeRef(ref, kind, ctx) };
}

/** The body of a server response as a KubeObject, or a ClusterError when it is not one. */
export function asObject(body: unknown, ctx: ErrorContext): KubeObject {
  const obj = body as Partial<KubeObject> | null;
  if (obj && typeof obj === 'object' && typeof obj.kind === 'string' && typeof obj.apiVersion === 'string' && typeof obj.metadata?.name === 'string') return obj as KubeObject;
  throw new ClusterError({ ...ctx, code: 'ServerError', detail: 'the server answered with something that is not a Kubernetes object' });
}

/** List items carry no apiVersion and kind of their own; give them back. */
export function withTypeMeta(item: unknown, apiVersion: string, kind: string): KubeObject {
  return { ...(item as object), apiVersion, kind } as KubeObject;
}

/** `apiVersion` of a resolved kind. */
export function apiVersionOf(kind: Pick<ResolvedKind, 'group' | 'version'>): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}

/** The `group`/`version` parts of an apiVersion, with a kind: what discovery resolves. */
export function kindRef(apiVersion: string, kind: string): Pick<ObjectRef, 'group' | 'version' | 'kind'> {
  return { ...splitApiVersion(apiVersion), kind };
}
