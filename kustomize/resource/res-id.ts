import { CLUSTER_SCOPED_KINDS, PRECOMPUTED_NAMESPACED_KINDS } from './cluster-scoped-kinds.js';

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

/** A scope as an OpenAPI document gives it. */
export type Scope = 'Namespaced' | 'Cluster';

/** What kustomize's own table says of a kind: its scope, or nothing (the kind is not in it). */
type BuiltinScope = Scope | undefined;

/**
 * The builtin answer by Gvk object: a resource's ids are reused (Resource.curId), and loops over a ResMap ask again
 * and again. `null` stands for "not in the table" so that a cached miss is told apart from no entry.
 */
const builtinScopes = new WeakMap<Gvk, BuiltinScope | null>();

function builtinScope(gvk: Gvk): BuiltinScope {
  let scope = builtinScopes.get(gvk);
  if (scope === undefined) {
    const key = `${apiVersionOf(gvk)} ${gvk.kind}`;
    scope = CLUSTER_SCOPED_KINDS.has(key) ? 'Cluster' : PRECOMPUTED_NAMESPACED_KINDS.has(key) ? 'Namespaced' : null;
    builtinScopes.set(gvk, scope);
  }
  return scope ?? undefined;
}

/**
 * The scopes of the custom OpenAPI schema (`openapi.path`) the running build has chosen, by `apiVersion kind`.
 * kustomize holds its schema process-wide (kyaml's openapi package) and every scope question reads it, whichever
 * step asks; a render is synchronous, so one module-level value set by {@link withSchemaScopes} is the same thing.
 */
let schemaScopes: ReadonlyMap<string, Scope> | undefined;

/**
 * Runs `fn` with no custom schema scopes, and restores the previous ones afterwards: a render starts from kustomize's
 * builtin scopes and a custom schema is switched on (by {@link setSchemaScopes}) when a kustomization names one.
 */
export function withSchemaScopes<T>(fn: () => T): T {
  const saved = schemaScopes;
  schemaScopes = undefined;
  try {
    return fn();
  } finally {
    schemaScopes = saved;
  }
}

/** Makes `scopes` (a custom schema's, or none for a builtin one) decide the scope of kinds kustomize's table lacks. */
export function setSchemaScopes(scopes: ReadonlyMap<string, Scope> | undefined): void {
  schemaScopes = scopes;
}

/**
 * Whether kustomize takes the kind to be cluster-scoped (kyaml's IsCertainlyClusterScoped): its precomputed table
 * decides the kinds it holds, even under a custom schema; any other kind is cluster-scoped only when the build's
 * custom schema says so (its paths have no `namespaces/{namespace}`); unknown kinds, CRDs included, are namespaced.
 */
export function isClusterScoped(gvk: Gvk): boolean {
  const builtin = builtinScope(gvk);
  if (builtin !== undefined || schemaScopes === undefined) return builtin === 'Cluster';
  return schemaScopes.get(`${apiVersionOf(gvk)} ${gvk.kind}`) === 'Cluster';
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
