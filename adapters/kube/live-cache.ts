// The LiveCache port over list + watch: one watch per kind and namespace a deploy asked about, as Argo CD's
// cluster cache keeps one per kind. Bookmarks keep the resourceVersion fresh; a watch that expires (410 Gone,
// as a status or an in-stream ERROR) or fails is re-listed; every kind is re-listed periodically, with jitter.
import type { KubeConfig } from '@kubernetes/client-node';
import { Watch } from '@kubernetes/client-node';
import type { KubeObject, ObjectRef } from '../../core/kube/object.js';
import { refKey, refOf } from '../../core/kube/object.js';
import type { LiveCache, LiveEvent, SnapshotOptions } from '../../core/ports/live-cache.js';
import type { ResolvedKind } from './discovery.js';
import { resourcePath, scopeRef } from './discovery.js';
import type { ErrorContext } from './errors.js';
import type { KubeClient } from './request.js';
import { apiVersionOf, send, withTypeMeta } from './request.js';

export interface LiveCacheOptions {
  /** Every watched kind is re-listed this often (±10 % jitter), catching anything a watch missed. Default 10 min. */
  readonly resyncMs?: number;
  /** Wait before re-listing after a watch failed (the server unreachable). Default 1 s. */
  readonly retryMs?: number;
  /**
   * Only objects this accepts are held and reported (the pipeline's: its field manager in their managedFields);
   * the others are streamed by the watch but neither kept nor reported, and a snapshot leaves them out as if absent,
   * so a caller reads those from the server. One that stops being accepted is reported once more, then dropped.
   * Default: every object.
   */
  readonly keep?: (object: KubeObject) => boolean;
}

/** Page size of the lists; the server hands out a continue token for the rest. */
const PAGE_SIZE = 500;
/** The server ends a watch after this long; it is resumed from the last resourceVersion. */
const WATCH_SECONDS = 300;

/** A {@link LiveCache} over one API server. `close()` stops every watch. */
export class KubeLiveCache implements LiveCache {
  private readonly scopes = new Map<string, ScopeWatch>();
  private readonly listeners = new Set<(event: LiveEvent) => void>();
  private readonly watch: Watch;
  private closed = false;

  constructor(
    private readonly kube: KubeClient,
    kc: KubeConfig,
    private readonly options: LiveCacheOptions = {},
  ) {
    this.watch = new Watch(kc);
  }

  async snapshot(refs: readonly ObjectRef[], options: SnapshotOptions): Promise<Map<string, KubeObject> | undefined> {
    if (this.closed) return undefined;
    const wanted: { key: string; scoped: ObjectRef; scope: ScopeWatch }[] = [];
    try {
      for (const ref of refs) {
        const ctx: ErrorContext = { operation: 'list', ref };
        const kind = await this.kube.discovery.resolve(ref, ctx, options.signal);
        const scoped = scopeRef(ref, kind, ctx);
        wanted.push({ key: refKey(ref), scoped, scope: this.scopeFor(kind, scoped.namespace) });
      }
    } catch {
      if (options.signal?.aborted) throw options.signal.reason;
      return undefined; // a kind the server does not serve (yet): the full path says why
    }
    const scopes = [...new Set(wanted.map(({ scope }) => scope))];
    if (options.resyncMs !== undefined) for (const scope of scopes) scope.resyncAtLeastEvery(options.resyncMs);
    if (!(await allSynced(scopes, options))) return undefined;
    const live = new Map<string, KubeObject>();
    for (const { key, scoped, scope } of wanted) {
      const object = scope.get(refKey(scoped));
      if (object !== undefined) live.set(key, object);
    }
    // A watch that expired while we read is not a snapshot.
    return scopes.every((scope) => scope.synced) ? live : undefined;
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How many objects the cache holds, and how many kinds/namespaces it watches. */
  get stats(): { objects: number; scopes: number; synced: number } {
    const scopes = [...this.scopes.values()];
    return {
      objects: scopes.reduce((sum, scope) => sum + scope.size, 0),
      scopes: scopes.length,
      synced: scopes.filter((scope) => scope.synced).length,
    };
  }

  close(): void {
    this.closed = true;
    for (const scope of this.scopes.values()) scope.stop();
    this.scopes.clear();
  }

  private scopeFor(kind: ResolvedKind, namespace: string | undefined): ScopeWatch {
    const path = resourcePath(kind, namespace);
    let scope = this.scopes.get(path);
    if (scope === undefined) {
      scope = new ScopeWatch(this.kube, this.watch, kind, path, this.options, (event) => this.emit(event));
      this.scopes.set(path, scope);
      scope.start();
    }
    return scope;
  }

  private emit(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

async function allSynced(scopes: readonly ScopeWatch[], options: SnapshotOptions): Promise<boolean> {
  if (scopes.every((scope) => scope.synced)) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), options.waitMs);
  });
  try {
    const synced = Promise.all(scopes.map((scope) => scope.whenSynced())).then(() => true);
    return await Promise.race([synced, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface WatchEvent {
  readonly type?: string;
  readonly object?: { metadata?: { resourceVersion?: string }; code?: number; kind?: string } & Partial<KubeObject>;
}

/** One kind in one namespace (or cluster-wide): its objects by refKey, kept current by list + watch. */
class ScopeWatch {
  private readonly objects = new Map<string, KubeObject>();
  private resourceVersion: string | undefined;
  private controller: AbortController | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  private stopped = false;
  private generation = 0;
  private resyncMs: number | undefined;
  synced = false;

  constructor(
    private readonly kube: KubeClient,
    private readonly watch: Watch,
    private readonly kind: ResolvedKind,
    private readonly path: string,
    private readonly options: LiveCacheOptions,
    private readonly emit: (event: LiveEvent) => void,
  ) {}

  get size(): number {
    return this.objects.size;
  }

  get(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  start(): void {
    void this.relist();
  }

  /** Lowers the re-list interval to `ms` (when shorter than the current one) and re-arms the timer. */
  resyncAtLeastEvery(ms: number): void {
    if (this.resyncMs !== undefined && this.resyncMs <= ms) return;
    this.resyncMs = ms;
    if (this.synced) {
      clearTimeout(this.resyncTimer);
      this.scheduleResync();
    }
  }

  stop(): void {
    this.stopped = true;
    this.synced = false;
    clearTimeout(this.resyncTimer);
    this.controller?.abort();
  }

  /** Lists the scope, replaces the cache with it (reporting what differs), then watches from the list's version. */
  private async relist(): Promise<void> {
    if (this.stopped) return;
    const generation = ++this.generation;
    this.controller?.abort();
    clearTimeout(this.resyncTimer);
    try {
      const { items, resourceVersion } = await this.list();
      if (this.stopped || generation !== this.generation) return;
      this.replace(items);
      this.resourceVersion = resourceVersion;
      this.synced = true;
      for (const resolve of this.waiters.splice(0)) resolve();
      this.scheduleResync();
      await this.startWatch(generation);
    } catch {
      if (this.stopped || generation !== this.generation) return;
      this.synced = false;
      this.retryLater();
    }
  }

  private async list(): Promise<{ items: KubeObject[]; resourceVersion: string | undefined }> {
    const ctx: ErrorContext = { operation: 'list', subject: this.path };
    const apiVersion = apiVersionOf(this.kind);
    const items: KubeObject[] = [];
    let token: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const query = { limit: String(PAGE_SIZE), continue: token };
      const res = await send(this.kube, { method: 'GET', path: this.path, query }, ctx);
      const page = res.body as { items?: unknown[]; metadata?: { continue?: string; resourceVersion?: string } };
      for (const item of page.items ?? []) items.push(withTypeMeta(item, apiVersion, this.kind.kind));
      token = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion;
    } while (token);
    return { items, resourceVersion };
  }

  /** The listed objects replace the cache; only real differences (by resourceVersion) are reported. */
  private replace(items: readonly KubeObject[]): void {
    const seen = new Set<string>();
    for (const item of items) {
      const key = refKey(refOf(item));
      if (!this.kept(key, item)) continue;
      seen.add(key);
      const before = this.objects.get(key);
      this.objects.set(key, item);
      if (before?.metadata['resourceVersion'] !== item.metadata['resourceVersion']) this.report(key, item, item);
    }
    for (const [key, before] of this.objects)
      if (!seen.has(key)) {
        this.objects.delete(key);
        this.report(key, before, undefined);
      }
  }

  private async startWatch(generation: number): Promise<void> {
    const query = {
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: WATCH_SECONDS,
    };
    let expired = false;
    this.controller = await this.watch.watch(
      this.path,
      query,
      (type: string, object: WatchEvent['object']) => {
        if (generation !== this.generation || object === undefined) return;
        if (type === 'ERROR') {
          // 410 Gone in the stream: the version is too old to resume from.
          expired = true;
          this.synced = false;
          return;
        }
        const version = object.metadata?.resourceVersion;
        if (version !== undefined) this.resourceVersion = version;
        if (type === 'BOOKMARK') return;
        const item = object as KubeObject;
        const key = refKey(refOf(item));
        if (type === 'DELETED') {
          this.objects.delete(key);
          this.report(key, item, undefined);
        } else if (this.kept(key, item)) {
          this.objects.set(key, item);
          this.report(key, item, item);
        }
      },
      (error: unknown) => {
        if (this.stopped || generation !== this.generation) return;
        if (expired || isGone(error)) {
          this.synced = false;
          void this.relist();
        } else if (error) {
          this.synced = false;
          this.retryLater();
        } else {
          // The server ended the watch (its timeout): resume from the last version seen, still in sync.
          void this.startWatch(generation).catch(() => this.retryLater());
        }
      },
    );
  }

  /** False for an object `keep` refuses; one held until now is reported in its new state and dropped. */
  private kept(key: string, item: KubeObject): boolean {
    if (this.options.keep === undefined || this.options.keep(item)) return true;
    if (this.objects.delete(key)) this.report(key, item, item);
    return false;
  }

  private scheduleResync(): void {
    const every = this.resyncMs ?? this.options.resyncMs ?? 600_000;
    this.resyncTimer = setTimeout(() => void this.relist(), every * (0.9 + Math.random() * 0.2));
    this.resyncTimer.unref();
  }

  private retryLater(): void {
    clearTimeout(this.resyncTimer);
    this.resyncTimer = setTimeout(() => void this.relist(), this.options.retryMs ?? 1_000);
    this.resyncTimer.unref();
  }

  private report(key: string, ref: KubeObject, object: KubeObject | undefined): void {
    this.emit({ key, ref: refOf(ref), object });
  }
}

function isGone(error: unknown): boolean {
  return (error as { statusCode?: number } | null)?.statusCode === 410;
}
