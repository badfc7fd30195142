// Maps what the API server (or the network) said onto the port's ClusterError reasons, in one place.
import type { ObjectRef } from '../../core/kube/object.js';
import type { ClusterErrorCode, ClusterOperation } from '../../core/ports/cluster-error.js';
import { ClusterError } from '../../core/ports/cluster-error.js';
import type { KubeResponse } from './transport.js';
import type { RetryRules } from '../common/with-backoff.js';

/** What an error is about: the operation and the object (or, for lists and discovery, a subject). */
export interface ErrorContext {
  readonly operation: ClusterOperation;
  readonly ref?: ObjectRef;
  readonly subject?: string;
}

/** The parts of a `metav1.Status` the classification reads. */
interface Status {
  readonly message?: string;
  readonly reason?: string;
  readonly details?: { readonly name?: string; readonly kind?: string; readonly causes?: readonly { readonly reason?: string; readonly message?: string; readonly field?: string }[] };
}

// The apiserver's words for an update to a field that is fixed at creation: apimachinery's ValidateImmutableField
// says "field is immutable"; Service IP validation says "may not change once set".
const IMMUTABLE = /field is immutable|may not change once set/i;
// Server-side apply reports a body that does not fit the schema (a string for a number, an unknown field) as a
// 500 without a reason (kube-apiserver 1.37: "failed to create typed patch object (...): .spec.replicas: expected
// numeric (int or float), got string"). It is the manifest's fault, and no retry will fix it.
const UNTYPEABLE = /failed to create typed patch object|field not declared in schema/i;

/** A ClusterError for an HTTP response outside 2xx. */
export function fromResponse(res: KubeResponse, ctx: ErrorContext): ClusterError {
  const status = asStatus(res.body);
  const detail = status.message ?? (typeof res.body === 'string' && res.body.trim() ? res.body.trim() : `HTTP ${res.status}`);
  const retryAfterMs = res.status === 429 ? parseRetryAfter(res.headers['retry-after']) : undefined;
  return new ClusterError({ ...ctx, code: codeFor(res.status, status, ctx), detail, status: res.status, retryAfterMs });
}

/**
 * What to throw for a request that got no response: the caller's own abort reason when its signal fired (as any
 * abortable API does), else a ClusterError (refused, reset, unknown host: `ClusterUnreachable`; no answer in time:
 * `Timeout`).
 */
export function fromFailure(err: unknown, ctx: ErrorContext, signal?: AbortSignal): unknown {
  if (err instanceof ClusterError) return err;
  if (signal?.aborted) return signal.reason;
  const detail = err instanceof Error ? err.message : String(err);
  const errno = (err as { code?: unknown } | undefined)?.code;
  const code: ClusterErrorCode = errno === 'ETIMEDOUT' || errno === 'ESOCKETTIMEDOUT' ? 'Timeout' : 'ClusterUnreachable';
  return new ClusterError({ ...ctx, code, detail: typeof errno === 'string' && !detail.includes(errno) ? `${errno}: ${detail}` : detail, cause: err });
}

/** The same failure told about another subject: a shared lookup's error, reported for the object that needed it. */
export function reframe(err: ClusterError, ctx: ErrorContext): ClusterError {
  return new ClusterError({ ...ctx, code: err.code, detail: err.detail, status: err.status, retryAfterMs: err.retryAfterMs, cause: err.cause ?? err });
}

function codeFor(code: number, status: Status, ctx: ErrorContext): ClusterErrorCode {
  switch (code) {
    case 400:
      return 'Invalid';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return notFoundCode(status, ctx);
    case 409:
      return status.details?.causes?.some((c) => c.reason === 'FieldManagerConflict') ? 'FieldManagerConflict' : 'Conflict';
    case 413:
      return 'TooLarge';
    case 422:
      return status.details?.causes?.some((c) => IMMUTABLE.test(c.message ?? '')) || IMMUTABLE.test(status.message ?? '') ? 'ImmutableFieldChanged' : 'Invalid';
    case 429:
      return 'Throttled';
    case 504:
      return 'Timeout';
    default:
      if (code === 500 && UNTYPEABLE.test(status.message ?? '')) return 'Invalid';
      return code >= 500 && (status.reason === 'Timeout' || status.reason === 'ServerTimeout') ? 'Timeout' : 'ServerError';
  }
}

function notFoundCode(status: Status, ctx: ErrorContext): ClusterErrorCode {
  const details = status.details;
  if (details?.kind === 'namespaces' && ctx.ref?.namespace !== undefined && details.name === ctx.ref.namespace && ctx.ref.kind !== 'Namespace') return 'NamespaceNotFound';
  // A path the server does not serve at all (no such resource) comes back as a Status without details.
  if (!details?.name && !details?.kind) return 'KindNotFound';
  return 'NotFound';
}

function asStatus(body: unknown): Status {
  return body !== null && typeof body === 'object' && (body as { kind?: unknown }).kind === 'Status' ? (body as Status) : {};
}

function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const seconds = Number(Array.isArray(value) ? value[0] : value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * The API server's retry rules: a ClusterError that is not terminal (unreachable, 5xx, 408, 409, 429) is retried,
 * after the `Retry-After` the server sent (priority and fairness answers 429 with one) when it sent one.
 */
export function clusterRetryRules(signal?: AbortSignal): RetryRules {
  return {
    retryable: (err) => err instanceof ClusterError && !err.terminal,
    retryAfterMs: (err) => (err instanceof ClusterError ? err.retryAfterMs : undefined),
    ...(signal && { signal }),
  };
}
