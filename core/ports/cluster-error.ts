import { DeployError } from '../deploy-error.js';
import type { ObjectRef } from '../kube/object.js';
import { Reason } from '../reasons.js';

/**
 * What exactly the cluster said, finer than {@link Reason}: the adapter maps every transport and API error onto
 * one of these, and each maps onto the Reason the pipeline reports (and which decides retryable vs terminal).
 */
export type ClusterErrorCode =
  /** The object does not validate (422, 400, or a body that does not fit the schema: a string where a number goes). */
  | 'Invalid'
  /** The change touches a field fixed at creation (Deployment selector, Service clusterIP). */
  | 'ImmutableFieldChanged'
  /** Server-side apply conflicts with fields another manager owns; only `force` resolves it, so no retry will. */
  | 'FieldManagerConflict'
  /** No API serves this apiVersion and kind (typically: its CRD is not installed). */
  | 'KindNotFound'
  /** The object's namespace does not exist. */
  | 'NamespaceNotFound'
  /** The object does not exist where the operation needs it to. */
  | 'NotFound'
  /** Authenticated, but not allowed (RBAC, admission). */
  | 'Forbidden'
  /** The credentials were refused. */
  | 'Unauthorized'
  /** The request body is over the server's size limit (413), or a release record over a Secret's 1 MiB. */
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
  | 'ClusterUnreachable';

/** The pipeline-wide reason for each code; the Reason's classification makes the error retryable or terminal. */
const REASON_OF: Readonly<Record<ClusterErrorCode, Reason>> = {
  Invalid: Reason.ValidationFailed,
  ImmutableFieldChanged: Reason.ImmutableFieldChanged,
  FieldManagerConflict: Reason.ApplyFailed,
  KindNotFound: Reason.NotFound,
  NamespaceNotFound: Reason.NotFound,
  NotFound: Reason.NotFound,
  Forbidden: Reason.Forbidden,
  Unauthorized: Reason.Forbidden,
  TooLarge: Reason.ApplyFailed,
  Conflict: Reason.Conflict,
  Throttled: Reason.RateLimited,
  ServerError: Reason.ApiServerError,
  Timeout: Reason.RequestTimeout,
  ClusterUnreachable: Reason.ClusterUnreachable,
};

/** What the pipeline was doing when the cluster said no: the verb in the message. */
export type ClusterOperation = 'dry-run' | 'apply' | 'get' | 'list' | 'delete' | 'discovery' | 'ensure-namespace' | 'read-rollout' | 'release-store';

export interface ClusterErrorDetails {
  readonly code: ClusterErrorCode;
  readonly operation: ClusterOperation;
  /** The object concerned, when there is one; the message then starts with it. */
  readonly ref?: ObjectRef;
  /** What the message names when there is no single object (`Pod (v1) in shop-dev`, `apps/v1`). */
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
 * A failed request to the cluster, starting with the object: `Deployment/shop-dev/api apply failed: …`, or for an
 * unreachable server `… apply failed: cluster unreachable: connect ECONNREFUSED 127.0.0.1:6443`.
 *
 * A {@link DeployError}: `reason` is the pipeline-wide Reason (`ImmutableFieldChanged`, `ClusterUnreachable`...)
 * and `terminal` follows from it; `code` keeps the finer distinction the adapter saw.
 */
export class ClusterError extends DeployError {
  override readonly name = 'ClusterError';
  readonly code: ClusterErrorCode;
  readonly operation: ClusterOperation;
  readonly status?: number;
  readonly detail: string;
  readonly retryAfterMs?: number;

  constructor(details: ClusterErrorDetails) {
    super(REASON_OF[details.code], messageOf(details), { ref: details.ref, cause: details.cause });
    this.code = details.code;
    this.operation = details.operation;
    this.status = details.status;
    this.detail = details.detail;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** True when a retry with backoff may succeed (the opposite of `terminal`). */
  get retryable(): boolean {
    return !this.terminal;
  }
}

/** The message after the object (DeployError prefixes the ref): `apply failed: <detail>`. */
function messageOf(details: ClusterErrorDetails): string {
  const detail = details.code === 'ClusterUnreachable' ? `cluster unreachable: ${details.detail}` : details.detail;
  const head = `${details.operation} failed: ${detail}`;
  if (details.ref) return head;
  return details.subject ? `${details.subject} ${head}` : `cluster ${head}`;
}
