// API discovery: which resource (URL plural) serves a kind, and whether it is namespaced. Cached per group/version;
// a kind missing from the cache is looked up again once, because a CRD applied a moment ago adds kinds.
import type { ObjectRef } from '../../core/kube/object.js';
import { ClusterError } from '../../core/ports/cluster-error.js';
import type { ErrorContext } from './errors.js';
import { clusterRetryRules, fromFailure, fromResponse, reframe } from './errors.js';
import type { BackoffPolicy } from '../common/with-backoff.js';
import { withBackoff } from '../common/with-backoff.js';
import type { KubeTransport } from './transport.js';

/** A kind as the server serves it. */
export interface ResolvedKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The resource name in URLs: `deployments`, `storageclasses`. */
  readonly plural: string;
  readonly namespaced: boolean;
}

interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** Resolves kinds through the server's discovery documents, with a cache shared by every operation. */
export class Discovery {
  private readonly lists = new Map<string, Promise<readonly ApiResource[] | undefined>>();

  constructor(
    private readonly transport: KubeTransport,
    private readonly retry: BackoffPolicy,
  ) {}

  /** The resource serving `kind` in `group/version`; a ClusterError `KindNotFound` when none does. */
  async resolve(ref: Pick<ObjectRef, 'group' | 'version' | 'kind'>, ctx: ErrorContext, signal?: AbortSignal): Promise<ResolvedKind> {
    signal?.throwIfAborted();
    const gv = groupVersion(ref);
    const lookup = () => this.find(gv, ref.kind).catch((err: unknown) => Promise.reject(err instanceof ClusterError ? reframe(err, ctx) : err));
    let found = await lookup();
    if (!found) {
      this.lists.delete(gv);
      found = await lookup();
    }
    if (!found) {
      throw new ClusterError({ ...ctx, code: 'KindNotFound', detail: `the server has no kind ${ref.kind} in ${gv} (is its CustomResourceDefinition installed?)` });
    }
    return { group: ref.group, version: ref.version, kind: ref.kind, plural: found.name, namespaced: found.namespaced };
  }

  /** Forgets everything, e.g. after CRDs were deleted. */
  reset(): void {
    this.lists.clear();
  }

  private async find(gv: string, kind: string): Promise<ApiResource | undefined> {
    let list = this.lists.get(gv);
    if (!list) {
      // Shared by concurrent callers, so it is not tied to any one caller's signal or object.
      list = this.fetch(gv);
      this.lists.set(gv, list);
      // A failed lookup is not cached: the next call asks again.
      list.catch(() => this.lists.delete(gv));
    }
    return (await list)?.find((r) => r.kind === kind && !r.name.includes('/'));
  }

  private async fetch(gv: string): Promise<readonly ApiResource[] | undefined> {
    const ctx: ErrorContext = { operation: 'discovery', subject: gv };
    const path = gv.includes('/') ? `/apis/${gv}` : `/api/${gv}`;
    const res = await withBackoff(async () => {
      const answer = await this.transport.request({ method: 'GET', path }).catch((err: unknown) => Promise.reject(fromFailure(err, ctx)));
      if (answer.status !== 200 && answer.status !== 404) throw fromResponse(answer, ctx);
      return answer;
    }, this.retry, clusterRetryRules());
    if (res.status === 404) return undefined;
    return ((res.body as { resources?: ApiResource[] }).resources ?? []).filter((r) => typeof r.name === 'string');
  }
}

/** `apps/v1`, or `v1` for the core group. */
export function groupVersion(ref: Pick<ObjectRef, 'group' | 'version'>): string {
  return ref.group ? `${ref.group}/${ref.version}` : ref.version;
}

/** The URL path of a collection (no name) or of one object. */
export function resourcePath(kind: ResolvedKind, namespace: string | undefined, name?: string): string {
  const root = kind.group ? `/apis/${kind.group}/${kind.version}` : `/api/${kind.version}`;
  const scope = kind.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${scope}/${kind.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

/**
 * The ref as the server scopes it: a cluster-scoped kind loses any namespace; a namespaced kind without one is
 * rejected (`Invalid`), because guessing `default` would deploy somewhere nobody asked for.
 */
export function scopeRef(ref: ObjectRef, kind: ResolvedKind, ctx: ErrorContext): ObjectRef {
  if (!kind.namespaced) {
    if (ref.namespace === undefined) return ref;
    const { namespace: _dropped, ...clusterScoped } = ref;
    return clusterScoped;
  }
  if (!ref.namespace) throw new ClusterError({ ...ctx, ref, code: 'Invalid', detail: `${ref.kind} is namespaced, but the object has no metadata.namespace` });
  return ref;
}
