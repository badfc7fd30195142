// Small builders for the objects core's tests need, so a table row says only what matters to it.
import type { KubeObject, ObjectRef } from '../../../core/kube/object.js';

/** An object of `apiVersion`/`kind` named `name`, in `namespace` unless it is null (cluster-scoped). */
export function obj(apiVersion: string, kind: string, name: string, namespace: string | null = 'shop', fields: Record<string, unknown> = {}): KubeObject {
  return { apiVersion, kind, metadata: namespace === null ? { name } : { name, namespace }, ...fields };
}

/** The ref of such an object. */
export function ref(apiVersion: string, kind: string, name: string, namespace: string | null = 'shop'): ObjectRef {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return namespace === null ? { group, version, kind, name } : { group, version, kind, namespace, name };
}
