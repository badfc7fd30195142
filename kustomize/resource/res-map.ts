import { KustomizeFailure } from '../errors.js';
import { effectiveNamespace, isClusterScoped, resIdKey, resIdString, type ResId } from './res-id.js';
import type { Resource } from './resource.js';

/** Appends resources to a ResMap, refusing a duplicate id (ResMap.appender). */
export interface ResMapAppender {
  appendAll(resources: readonly Resource[]): void;
}

/** An ordered list of resources with unique ids: kustomize's ResMap. */
export class ResMap {
  private list: Resource[] = [];

  constructor(resources: readonly Resource[] = []) {
    this.appender().appendAll(resources);
  }

  get resources(): readonly Resource[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  /** Adds a resource; a second resource with the same id is an error, as in kustomize. */
  append(resource: Resource): void {
    this.appender().appendAll([resource]);
  }

  appendAll(resources: readonly Resource[]): void {
    this.appender().appendAll(resources);
  }

  /**
   * Appends for a run during which no resource already in the map changes its id (a kustomization's resources
   * being read: nothing transforms them until all are): duplicates are found in an index of the ids, made once,
   * instead of by comparing each new resource with every one before it, which made reading 3,001 objects quadratic.
   */
  appender(): ResMapAppender {
    const ids = new Set(this.list.map((r) => resIdKey(r.curId())));
    return {
      appendAll: (resources) => {
        for (const resource of resources) {
          const id = resource.curId();
          const key = resIdKey(id);
          if (ids.has(key)) {
            throw new KustomizeFailure(
              'duplicate-id',
              `may not add resource with an already registered id: ${resIdString(id)}`,
            );
          }
          ids.add(key);
          this.list.push(resource);
        }
      },
    };
  }

  /** Replaces the whole list (after sorting, or after a filter dropped resources). */
  reset(resources: readonly Resource[]): void {
    this.list = [...resources];
  }

  /** Replaces `old` by `replacement` in place. */
  replace(old: Resource, replacement: Resource): void {
    const i = this.list.indexOf(old);
    if (i < 0) throw new KustomizeFailure('generator-failed', 'cannot find resource to replace');
    this.list[i] = replacement;
  }

  remove(resource: Resource): void {
    this.list = this.list.filter((r) => r !== resource);
  }

  /** Resources whose current id or any previous id matches. */
  byAnyId(matches: (id: ResId) => boolean): Resource[] {
    return this.list.filter((r) => [...r.prevIds(), r.curId()].some(matches));
  }

  /**
   * Whether a resource is one a referrer could point at by name: a cluster-scoped one, one in its namespace, and,
   * for a RoleBinding, one in the namespaces of its ServiceAccount subjects. A test, not the list, so that name
   * references look up the few resources with the name first instead of filtering every resource per referrer.
   */
  referableBy(referrer: Resource): (candidate: Resource) => boolean {
    const referrerId = referrer.curId();
    if (isClusterScoped(referrerId.gvk)) return () => true;
    const subjectNamespaces = roleBindingSubjectNamespaces(referrer);
    const namespace = effectiveNamespace(referrerId);
    return (candidate) => {
      const id = candidate.curId();
      if (isClusterScoped(id.gvk)) return true;
      if (effectiveNamespace(id) === namespace) return true;
      return subjectNamespaces.has(candidate.namespace);
    };
  }
}

/**
 * The namespaces of a RoleBinding's ServiceAccount subjects (kustomize's getNamespacesForRoleBinding): a subject's
 * `namespace` that is there but not a string (`namespace:` left blank) is kustomize's "namespace is blank" error.
 */
function roleBindingSubjectNamespaces(resource: Resource): Set<string> {
  const result = new Set<string>();
  if (resource.kind !== 'RoleBinding') return result;
  const subjects = resource.obj['subjects'];
  if (!Array.isArray(subjects)) return result;
  for (const subject of subjects) {
    if (subject === null || typeof subject !== 'object' || Array.isArray(subject)) continue;
    if (!Object.hasOwn(subject, 'namespace') || subject['kind'] !== 'ServiceAccount') continue;
    const ns = subject['namespace'];
    if (typeof ns !== 'string') {
      throw new KustomizeFailure(
        'transform-failed',
        `Invalid Input: namespace is blank for resource "${resIdString(resource.curId())}"`,
      );
    }
    result.add(ns);
  }
  return result;
}
