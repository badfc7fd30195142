import type { ObjectRef } from '../kube/object.js';

/**
 * Kinds that have no status to wait for: they take effect the moment the apiserver stores them. Waiting on them
 * would only cost watches (a thousand ConfigMaps are a thousand objects to poll for nothing).
 */
const STATUSLESS: ReadonlySet<string> = new Set([
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'ResourceQuota',
  'LimitRange',
  'Endpoints',
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/RoleBinding',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'networking.k8s.io/NetworkPolicy',
  'networking.k8s.io/IngressClass',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'storage.k8s.io/StorageClass',
  'policy/PodDisruptionBudget',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
]);

/** True when a rollout must wait for this kind of object to become healthy after it is applied. */
export function needsHealthWait(ref: Pick<ObjectRef, 'group' | 'kind'>): boolean {
  return !STATUSLESS.has(ref.group === '' ? ref.kind : `${ref.group}/${ref.kind}`);
}
