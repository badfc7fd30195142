import { KustomizeFailure } from '../errors.js';
import { effectiveNamespace, isClusterScoped, resIdKey, resIdString } from '../resource/res-id.js';
import type { ResMap } from '../resource/res-map.js';
import type { Resource } from '../resource/resource.js';
import { isJsonObject, type JsonObject } from '../yaml/json-value.js';
import { NAMESPACE_SPECS } from './default-field-specs.js';
import { applyFieldSpec, setEntry, type FieldSpec, type Slot } from './field-spec.js';

/**
 * `namespace:`: every namespaced resource moves to the namespace; a Namespace object is renamed to it; RoleBinding
 * and ClusterRoleBinding subjects named `default` follow; APIService and CRD conversion webhook service namespaces
 * follow. Each resource's previous id is recorded first, so name references and patches still find it.
 */
export function transformNamespace(
  map: ResMap,
  namespace: string,
  specs: readonly FieldSpec[] = NAMESPACE_SPECS,
): void {
  if (namespace === '') return;
  // How many resources have each id, kept current as each one moves (only the one moved changes), so that the
  // conflict check after each move is one lookup instead of a search of every resource.
  const idCounts = new Map<string, number>();
  const count = (key: string, by: number): number => {
    const n = (idCounts.get(key) ?? 0) + by;
    idCounts.set(key, n);
    return n;
  };
  for (const resource of map.resources) count(resIdKey(resource.curId()), 1);
  for (const resource of map.resources) {
    if (resource.getAnnotations()['kustomize.config.k8s.io/helm-generated'] === 'true') continue;
    const before = resource.curId();
    resource.storePreviousId(effectiveNamespace(before));
    setResourceNamespace(resource, namespace, specs);
    const id = resource.curId();
    count(resIdKey(before), -1);
    if (count(resIdKey(id), 1) !== 1) {
      throw new KustomizeFailure('duplicate-id', `namespace transformation produces ID conflict: ${resIdString(id)}`);
    }
  }
}

/**
 * Sets one resource's namespace as kustomize's namespace filter does, without recording its previous id: the
 * metadata of a namespaced kind, RoleBinding subjects named `default`, then `specs` (none: what ValueAddTransformer's
 * `metadata/namespace` target runs).
 */
export function setResourceNamespace(resource: Resource, namespace: string, specs: readonly FieldSpec[] = []): void {
  const set = (slot: Slot): void => {
    try {
      setEntry(slot, '', namespace);
    } catch (error) {
      throw new KustomizeFailure(
        'transform-failed',
        `namespace field specs must target scalar nodes: ${String(error)}`,
      );
    }
  };
  const gvk = resource.gvk();
  if (!isClusterScoped(gvk)) {
    applyFieldSpec(resource, { path: 'metadata/namespace', create: true }, set, 'scalar');
  }
  let effective = specs.filter(
    (s) => s.path !== 'metadata/namespace' && !(resource.apiVersion !== 'v1' && s.path === 'metadata/name'),
  );
  if (gvk.kind === 'RoleBinding' || gvk.kind === 'ClusterRoleBinding') {
    effective = effective.filter(
      (s) => s.path !== 'subjects/namespace' || (s.kind !== 'RoleBinding' && s.kind !== 'ClusterRoleBinding'),
    );
    const subjects = resource.obj['subjects'];
    if (Array.isArray(subjects)) {
      for (const subject of subjects) {
        if (isJsonObject(subject) && subject['name'] === 'default') (subject as JsonObject)['namespace'] = namespace;
      }
    }
  }
  for (const spec of effective) applyFieldSpec(resource, spec, set, 'scalar');
}
