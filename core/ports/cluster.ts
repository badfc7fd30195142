// The Cluster port: the few things the pipeline asks of a Kubernetes API server, in the pipeline's terms. The
// adapter (adapters/kube/) hides the client library's positional arguments, discovery, retries and parallelism.
import type { KubeObject, ObjectRef } from '../kube/object.js';
import type { ClusterError } from './cluster-error.js';

/** Options every call takes. */
export interface CallOptions {
  /** Aborts the call: in-flight requests are cancelled and the call rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface DryRunOptions extends CallOptions {
  /** The server-side-apply field manager the real apply will use, so the dry run predicts its result. */
  readonly fieldManager: string;
  /** Take over fields other managers own instead of reporting `FieldManagerConflict`. Default false. */
  readonly force?: boolean;
}

export interface ApplyOptions extends CallOptions {
  /** The server-side-apply field manager; one per product (`gantry`), so ownership stays in one place. */
  readonly fieldManager: string;
  /** Take over fields other managers own instead of reporting `FieldManagerConflict`. Default false. */
  readonly force?: boolean;
}

/**
 * The server's verdict on one object of a dry run. `ref` is the object's identity as the server scopes it: a
 * cluster-scoped kind never carries a namespace, whatever the manifest said.
 */
export type DryRunResult =
  /** The object the server would store (defaulted, admitted, with managed fields); nothing was persisted. */
  | { readonly outcome: 'valid'; readonly ref: ObjectRef; readonly object: KubeObject }
  | { readonly outcome: 'rejected'; readonly ref: ObjectRef; readonly error: ClusterError };

/** The outcome of server-side applying one object. */
export type ApplyResult =
  | { readonly outcome: 'applied'; readonly ref: ObjectRef; readonly object: KubeObject }
  | { readonly outcome: 'failed'; readonly ref: ObjectRef; readonly error: ClusterError };

/** What a delete found: the object was there and is now being deleted, or it was already gone. */
export type DeleteOutcome = 'deleted' | 'absent';

/** Kubernetes' garbage-collection policies for an object's dependents. */
export type Propagation = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions extends CallOptions {
  /** Default `Background`: the object goes at once, its dependents (ReplicaSets, pods) right after. */
  readonly propagation?: Propagation;
}

/** Which objects to list: one kind, optionally one namespace and a label selector (`app=api,tier!=db`). */
export interface ListQuery {
  readonly apiVersion: string;
  readonly kind: string;
  /** Absent: all namespaces (or the kind is cluster-scoped). */
  readonly namespace?: string;
  readonly labelSelector?: string;
}

/**
 * Everything a workload's health depends on, read together: a Deployment with its ReplicaSets and their pods, or
 * another workload (StatefulSet, DaemonSet...) with the pods it owns.
 */
export interface RolloutSnapshot {
  /** The workload itself; absent when it does not exist (deleted, or not yet created). */
  readonly workload: KubeObject | undefined;
  /** The ReplicaSets a Deployment owns (by owner reference), newest revision first; empty for other kinds. */
  readonly replicaSets: readonly KubeObject[];
  /** The pods those ReplicaSets (or the workload itself) own. */
  readonly pods: readonly KubeObject[];
}

/**
 * A Kubernetes cluster as the pipeline uses it. Every method rejects only with a ClusterError, or with the
 * signal's reason when aborted; batch methods report each object's failure in its result instead. Retryable
 * errors have already been retried with backoff when they surface.
 */
export interface Cluster {
  /**
   * Server-side dry-run apply of every object: validation, defaulting and admission without persisting anything.
   * Reports on every object (it does not stop at the first rejection), in the input order; the caller decides
   * that one rejection means nothing is applied.
   */
  dryRunApply(objects: readonly KubeObject[], options: DryRunOptions): Promise<readonly DryRunResult[]>;

  /**
   * Server-side apply of the given objects with bounded parallelism, in no particular order: the caller stages
   * (Namespaces and CRDs first) by calling once per stage. Results are in the input order.
   */
  apply(objects: readonly KubeObject[], options: ApplyOptions): Promise<readonly ApplyResult[]>;

  /** The live object, or undefined when it does not exist. */
  get(ref: ObjectRef, options?: CallOptions): Promise<KubeObject | undefined>;

  /** The live objects, aligned with `refs` (undefined where absent); may list instead of getting one by one. */
  getMany(refs: readonly ObjectRef[], options?: CallOptions): Promise<readonly (KubeObject | undefined)[]>;

  /** Deletes the object; an object already gone is not an error. */
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<DeleteOutcome>;

  /** Every object matching the query (all pages). */
  list(query: ListQuery, options?: CallOptions): Promise<readonly KubeObject[]>;

  /** Creates the namespace if missing and sets these labels on it (server-side apply, so other labels stay). */
  ensureNamespace(name: string, labels: Readonly<Record<string, string>>, options: ApplyOptions): Promise<void>;

  /** Reads a workload with the ReplicaSets and pods it owns, for the rollout's health rules. */
  readRollout(workload: ObjectRef, options?: CallOptions): Promise<RolloutSnapshot>;
}
