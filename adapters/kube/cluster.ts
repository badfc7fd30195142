// The Cluster port over a real API server: assembles the verbs (one file each) around one connection pool.
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject, ObjectRef } from '../../core/kube/object.js';
import type {
  ApplyOptions,
  ApplyResult,
  CallOptions,
  Cluster,
  DeleteOptions,
  DeleteOutcome,
  DryRunOptions,
  DryRunResult,
  ListQuery,
  RolloutSnapshot,
} from '../../core/ports/cluster.js';
import { applyAll, serverSideApply } from './apply.js';
import { deleteObject } from './delete.js';
import { Discovery } from './discovery.js';
import { dryRunAll } from './dry-run.js';
import { managedFieldsOf } from '../../core/diff/owned-fields.js';
import { KubeLiveCache } from './live-cache.js';
import { getManyObjects, getObject, listObjects } from './read.js';
import type { KubeClient } from './request.js';
import type { BackoffPolicy } from '../common/with-backoff.js';
import { DEFAULT_BACKOFF } from '../common/with-backoff.js';
import { readRollout } from './rollout.js';
import { KubeTransport } from './transport.js';

export interface KubeClusterOptions {
  /**
   * Requests in flight per batch call (dry run, apply, getMany). Default 64: pushing 1,000 Deployments on the local
   * platform with its production-tuned controllers, applying the Deployments took 6.2-6.8 s at 32, 3.5 s at 64 and
   * 2.9 s at 128, and the whole apply step 16.0-17.0 s, 12.8 s and 13.2 s (the apiserver shares its CPU among the
   * requests in flight, the controllers' included; BENCHMARKS.md). A 429 from an apiserver whose priority levels admit fewer is
   * retried after its Retry-After, as every retryable failure is (`retry`).
   */
  readonly concurrency?: number;
  /** Backoff for retryable errors (429s wait their Retry-After). Default: 4 attempts from 250 ms, doubling, capped at 5 s. */
  readonly retry?: Partial<BackoffPolicy>;
  /** A request with no response after this long fails as `Timeout`. Default 30 s. */
  readonly requestTimeoutMs?: number;
}

/**
 * A {@link Cluster} talking to the current context of `kc`. Holds keep-alive connections: call `close()` when done.
 */
export class KubeCluster implements Cluster {
  private readonly kube: KubeClient;
  private readonly kc: KubeConfig;
  private cache: KubeLiveCache | undefined;

  constructor(kc: KubeConfig, options: KubeClusterOptions = {}) {
    this.kc = kc;
    const concurrency = options.concurrency ?? 64;
    const transport = new KubeTransport(kc, { requestTimeoutMs: options.requestTimeoutMs, maxSockets: concurrency * 2 });
    const retry = { ...DEFAULT_BACKOFF, ...options.retry };
    this.kube = { transport, discovery: new Discovery(transport, retry), retry, concurrency };
  }

  /** The API server's URL, for logs and messages. */
  get server(): string {
    return this.kube.transport.server.href;
  }

  dryRunApply(objects: readonly KubeObject[], options: DryRunOptions): Promise<readonly DryRunResult[]> {
    return dryRunAll(this.kube, objects, options);
  }

  apply(objects: readonly KubeObject[], options: ApplyOptions): Promise<readonly ApplyResult[]> {
    return applyAll(this.kube, objects, options);
  }

  get(ref: ObjectRef, options?: CallOptions): Promise<KubeObject | undefined> {
    return getObject(this.kube, ref, options);
  }

  getMany(refs: readonly ObjectRef[], options?: CallOptions): Promise<readonly (KubeObject | undefined)[]> {
    return getManyObjects(this.kube, refs, options);
  }

  delete(ref: ObjectRef, options?: DeleteOptions): Promise<DeleteOutcome> {
    return deleteObject(this.kube, ref, options);
  }

  list(query: ListQuery, options?: CallOptions): Promise<readonly KubeObject[]> {
    return listObjects(this.kube, query, options);
  }

  async ensureNamespace(name: string, labels: Readonly<Record<string, string>>, options: ApplyOptions): Promise<void> {
    const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
    await serverSideApply(this.kube, namespace, { ...options, dryRun: false, operation: 'ensure-namespace' });
  }

  readRollout(workload: ObjectRef, options?: CallOptions): Promise<RolloutSnapshot> {
    return readRollout(this.kube, workload, options);
  }

  /** Forgets cached discovery (after CRDs were removed). */
  forgetDiscovery(): void {
    this.kube.discovery.reset();
  }

  /**
   * The watch-fed cache of this server's live objects (one per cluster, started on first use; the first caller's
   * options hold). `managedBy`: only objects that field manager wrote are held (see {@link LiveCacheOptions.keep}).
   */
  liveCache(options: { readonly managedBy?: string } = {}): KubeLiveCache {
    const manager = options.managedBy;
    this.cache ??= new KubeLiveCache(
      this.kube,
      this.kc,
      manager === undefined
        ? {}
        : { keep: (object) => managedFieldsOf(object).some((entry) => entry.manager === manager) },
    );
    return this.cache;
  }

  /** Closes pooled connections and stops the live cache's watches. */
  close(): void {
    this.cache?.close();
    this.cache = undefined;
    this.kube.transport.close();
  }
}
