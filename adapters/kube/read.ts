// Reading live objects: one by one, many at once (listing where that is cheaper), and by label selector.
import type { KubeObject, ObjectRef } from '../../core/kube/object.js';
import type { CallOptions, ListQuery } from '../../core/ports/cluster.js';
import { resourcePath } from './discovery.js';
import type { ErrorContext } from './errors.js';
import { fromResponse } from './errors.js';
import { mapLimit } from './pool.js';
import type { KubeClient } from './request.js';
import { apiVersionOf, asObject, guard, kindRef, resolveTarget, send, withTypeMeta } from './request.js';

/** From this many objects of one kind in one namespace, getMany lists the namespace instead of N gets. */
const LIST_THRESHOLD = 8;
/** Page size of list calls; the server hands out a continue token for the rest. */
const PAGE_SIZE = 500;

/** The live object, or undefined when it (or its namespace) does not exist. */
export async function getObject(kube: KubeClient, ref: ObjectRef, options: CallOptions = {}): Promise<KubeObject | undefined> {
  const ctx: ErrorContext = { operation: 'get', ref };
  return guard(ctx, options.signal, async () => {
    const target = await resolveTarget(kube, ref, ctx, options.signal);
    const scoped = { ...ctx, ref: target.ref };
    const res = await send(kube, { method: 'GET', path: resourcePath(target.kind, target.ref.namespace, target.ref.name), signal: options.signal }, scoped, (s) => s === 200 || s === 404);
    if (res.status === 200) return asObject(res.body, scoped);
    // A 404 that is not about the object (e.g. the resource path itself) is an error, not absence.
    if (isAbsence(res.body)) return undefined;
    throw fromResponse(res, scoped);
  });
}

/** The live objects aligned with `refs`; groups of one kind in one namespace are listed instead of got one by one. */
export async function getManyObjects(kube: KubeClient, refs: readonly ObjectRef[], options: CallOptions = {}): Promise<(KubeObject | undefined)[]> {
  const results = new Array<KubeObject | undefined>(refs.length);
  const groups = groupRefs(refs);
  const singles: number[] = [];
  const listed: { indexes: number[]; ref: ObjectRef }[] = [];
  for (const indexes of groups.values()) {
    const first = refs[indexes[0] as number] as ObjectRef;
    if (indexes.length >= LIST_THRESHOLD) listed.push({ indexes, ref: first });
    else singles.push(...indexes);
  }
  await Promise.all([
    mapLimit(listed, kube.concurrency, async ({ indexes, ref }) => {
      const byName = new Map((await listObjects(kube, { apiVersion: apiVersionOf(ref), kind: ref.kind, namespace: ref.namespace }, options)).map((o) => [o.metadata.name, o]));
      for (const i of indexes) results[i] = byName.get((refs[i] as ObjectRef).name);
    }),
    mapLimit(singles, kube.concurrency, async (i) => {
      results[i] = await getObject(kube, refs[i] as ObjectRef, options);
    }),
  ]);
  return results;
}

/** Every object of one kind matching the query, all pages. A namespace that does not exist has none. */
export async function listObjects(kube: KubeClient, query: ListQuery, options: CallOptions = {}): Promise<KubeObject[]> {
  const subject = `${query.kind} (${query.apiVersion})${query.namespace ? ` in ${query.namespace}` : ''}${query.labelSelector ? ` matching ${query.labelSelector}` : ''}`;
  const ctx: ErrorContext = { operation: 'list', subject };
  return guard(ctx, options.signal, async () => {
    const kind = await kube.discovery.resolve(kindRef(query.apiVersion, query.kind), ctx, options.signal);
    const path = resourcePath(kind, query.namespace);
    const items: KubeObject[] = [];
    let token: string | undefined;
    do {
      const query_ = { labelSelector: query.labelSelector, limit: String(PAGE_SIZE), continue: token };
      const res = await send(kube, { method: 'GET', path, query: query_, signal: options.signal }, ctx);
      const page = res.body as { items?: unknown[]; metadata?: { continue?: string } };
      for (const item of page.items ?? []) items.push(withTypeMeta(item, query.apiVersion, query.kind));
      token = page.metadata?.continue || undefined;
    } while (token);
    return items;
  });
}

/** Indexes of refs by kind and namespace, in first-seen order. */
function groupRefs(refs: readonly ObjectRef[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  refs.forEach((ref, i) => {
    const key = [ref.group, ref.version, ref.kind, ref.namespace ?? ''].join('/');
    const group = groups.get(key);
    if (group) group.push(i);
    else groups.set(key, [i]);
  });
  return groups;
}

/** A 404 Status about a named object (or its namespace) means absence; one without details is a missing path. */
function isAbsence(body: unknown): boolean {
  const details = (body as { details?: { name?: string } } | null)?.details;
  return typeof details?.name === 'string' && details.name.length > 0;
}
