import { CLUSTER_SCOPED_KINDS } from './cluster-scoped-kinds.js';

/** A group/version/kind; `group` is empty for the core API group. */
export interface Gvk {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** A resource's identity as kustomize sees it: group/version/kind, name and namespace. */
export interface ResId {
  readonly gvk: Gvk;
  readonly name: string;
  readonly namespace: string;
}

/** Splits an apiVersion: everything before the first `/` is the group. */
export function parseGroupVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(gvk: Gvk): string {
  return gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
}

/** Answers by Gvk object: a resource's ids are reused (Resource.curId), and loops over a ResMap ask again and again. */
const clusterScoped = new WeakMap<Gvk, boolean>();

/** Whether kustomize knows the kind to be cluster-scoped (unknown kinds, CRDs included, count as namespaced). */
export function isClusterScoped(gvk: Gvk): boolean {
  let scoped = clusterScoped.get(gvk);
  if (scoped === undefined) {
    scoped = CLUSTER_SCOPED_KINDS.has(`${apiVersionOf(gvk)} ${gvk.kind}`);
    clusterScoped.set(gvk, scoped);
  }
  return scoped;
}

/** The namespace kustomize compares ids by: `default` for an empty one, a marker for cluster-scoped kinds. */
export function effectiveNamespace(id: ResId): string {
  if (isClusterScoped(id.gvk)) return '_non_namespaceable_';
  return id.namespace === '' ? 'default' : id.namespace;
}

/** Same group, version and kind. */
export function gvkEquals(a: Gvk, b: Gvk): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

/** Whether a selector's non-empty fields all match (kustomize's `Gvk.IsSelected`). */
export function gvkSelected(gvk: Gvk, selector: Partial<Gvk>): boolean {
  return (
    (!selector.group || selector.group === gvk.group) &&
    (!selector.version || selector.version === gvk.version) &&
    (!selector.kind || selector.kind === gvk.kind)
  );
}

/** Same identity, treating an empty namespace as `default`. */
export function resIdEquals(a: ResId, b: ResId): boolean {
  return a.name === b.name && gvkEquals(a.gvk, b.gvk) && effectiveNamespace(a) === effectiveNamespace(b);
}

/**
 * A text equal for two ids exactly when `resIdEquals` holds for them: the key of an index that replaces a search
 * of every resource.
 */
export function resIdKey(id: ResId): string {
  return JSON.stringify([id.name, id.gvk.group, id.gvk.version, id.gvk.kind, effectiveNamespace(id)]);
}

/** kustomize's text form of a Gvk: `Kind.version.group` with `[noGrp]`-style markers for empty parts. */
export function gvkString(gvk: Gvk): string {
  return [gvk.kind || '[noKind]', gvk.version || '[noVer]', gvk.group || '[noGrp]'].join('.');
}

/** kustomize's text form of an id, as its error messages print it: `Deployment.v1.apps/web.prod`. */
export function resIdString(id: ResId): string {
  return `${gvkString(id.gvk)}/${id.name || '[noName]'}.${id.namespace || '[noNs]'}`;
}

/** A short human form for our own messages: `Deployment/prod/web` or `Namespace/prod`. */
export function describeId(id: ResId): string {
  return id.namespace === '' ? `${id.gvk.kind}/${id.name}` : `${id.gvk.kind}/${id.namespace}/${id.name}`;
}
