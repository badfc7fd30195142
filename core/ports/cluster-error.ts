import type { ObjectRef } from '../kube/object.js';
import { formatRef } from '../kube/object.js';

/**
 * Why a request to the cluster failed, as the pipeline decides on it. A closed union: every adapter maps its
 * transport's errors onto these, and {@link RETRYABLE} says which ones a retry can cure.
 */
export type ClusterErrorReason =
  /** The object does not validate (HTTP 422, or 400 for a body the server cannot decode, e.g. a string where a number goes). */
  | 'Invalid'
  /** The change touches a field the API refuses to change after creation (Deployment selector, Service clusterIP). */
  | 'ImmutableFieldChanged'
  /** Server-side apply conflicts with fields another manager owns; only `force` resolves it. */
  | 'FieldManagerConflict'
  /** No API serves this apiVersion and kind (typically: its CRD is not installed). */
  | 'KindNotFound'
  /** The object's namespace does not exist. */
  | 'NamespaceNotFound'
  /** The object itself does not exist (where the operation needs it to). */
  | 'NotFound'
  /** Authenticated, but not allowed (RBAC, admission). */
  | 'Forbidden'
  /** The credentials were refused. */
  | 'Unauthorized'
  /** The request body is over the server's size limit. */
  | 'TooLarge'
  /** An optimistic-concurrency conflict or a create race (409 without a field-manager conflict). */
  | 'Conflict'
  /** The server asked the client to slow down (429). */
  | 'Throttled'
  /** The server failed (5xx other than a timeout). */
  | 'ServerError'
  /** The request timed out, client- or server-side. */
  | 'Timeout'
  /** No connection to the API server (refused, reset, unknown host). */
  | 'ClusterUnreachable'
  /** The caller aborted the operation (AbortSignal). */
  | 'Aborted';

/** Reasons a retry with backoff can cure; every other reason is terminal. */
export const RETRYABLE: ReadonlySet<ClusterErrorReason> = new Set<ClusterErrorReason>(['Conflict', 'Throttled', 'ServerError', 'Timeout', 'ClusterUnreachable']);

/** What the pipeline was doing when the cluster said no; the verb in the message. */
export type ClusterOperation = 'dry-run' | 'apply' | 'get' | 'list' | 'delete' | 'discovery' | 'ensure-namespace' | 'read-rollout' | 'release-store';

export interface ClusterErrorDetails {
  readonly reason: ClusterErrorReason;
  readonly operation: ClusterOperation;
  /** The object concerned, when there is one; the message then starts with it. */
  readonly ref?: ObjectRef;
  /** What the message names when there is no single object (`Deployments in shop-dev`, `apps/v1`). */
  readonly subject?: string;
  /** The server's (or the transport's) own words. */
  readonly detail: string;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  /** For a 429: how long the server asked to wait. */
  readonly retryAfterMs?: number;
  readonly cause?: unknown;
}

/**
 * A failed request to the cluster, starting with the object: `Deployment/shop-dev/api apply failed: …`.
 *
 * `retryable` is derived from the reason, so callers decide on data (`err.retryable`, `err.reason`) rather than
 * on HTTP codes or message text.
 */
export class ClusterError extends Error {
  override readonly name = 'ClusterError';
  readonly reason: ClusterErrorReason;
  readonly operation: ClusterOperation;
  readonly ref?: ObjectRef;
  readonly status?: number;
  readonly detail: string;
  readonly retryAfterMs?: number;
  readonly retryable: boolean;

  constructor(details: ClusterErrorDetails) {
    super(formatClusterError(details), { cause: details.cause });
    this.reason = details.reason;
    this.operation = details.operation;
    this.ref = details.ref;
    this.status = details.status;
    this.detail = details.detail;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = RETRYABLE.has(details.reason);
  }
}

/** `Deployment/shop-dev/api apply failed: <detail>`; without an object, the subject, else just the operation. */
export function formatClusterError(details: Pick<ClusterErrorDetails, 'operation' | 'ref' | 'subject' | 'detail' | 'reason'>): string {
  const who = details.ref ? formatRef(details.ref) : details.subject;
  const what = `${details.operation} failed`;
  const head = who ? `${who} ${what}` : `cluster ${what}`;
  const detail = details.reason === 'ClusterUnreachable' ? `cluster unreachable: ${details.detail}` : details.detail;
  return `${head}: ${detail}`;
}

/** True when `err` is a {@link ClusterError} a retry can cure. */
export function isRetryableClusterError(err: unknown): err is ClusterError {
  return err instanceof ClusterError && err.retryable;
}
