import type { KubeObject } from '../kube/object.js';

/** The annotation the Deployment controller numbers rollouts with, on the Deployment and its ReplicaSets alike. */
const REVISION = 'deployment.kubernetes.io/revision';

/**
 * The pods of a Deployment's current rollout: those of the ReplicaSet with the Deployment's revision, matched by
 * `pod-template-hash`. Old pods failing is not this rollout's failure, so they are left out. Without ReplicaSets
 * to go by, every given pod counts (the caller already selected them by the Deployment's selector).
 */
export function currentDeploymentPods(deployment: KubeObject, pods: readonly KubeObject[], replicaSets: readonly KubeObject[] | undefined): readonly KubeObject[] {
  if (replicaSets === undefined) return pods;
  const revision = deployment.metadata.annotations?.[REVISION];
  const current = replicaSets.find((rs) => revision !== undefined && rs.metadata.annotations?.[REVISION] === revision && isOwnedBy(rs, deployment));
  const hash = current?.metadata.labels?.['pod-template-hash'];
  if (hash === undefined) return [];
  return pods.filter((pod) => pod.metadata.labels?.['pod-template-hash'] === hash);
}

/**
 * The pods of a StatefulSet's update revision, matched by `controller-revision-hash`; every given pod when the
 * status names no update revision.
 */
export function currentStatefulSetPods(updateRevision: string | undefined, pods: readonly KubeObject[]): readonly KubeObject[] {
  if (updateRevision === undefined) return pods;
  return pods.filter((pod) => pod.metadata.labels?.['controller-revision-hash'] === updateRevision);
}

function isOwnedBy(child: KubeObject, owner: KubeObject): boolean {
  const uid = owner.metadata['uid'];
  const references = child.metadata['ownerReferences'];
  if (typeof uid !== 'string' || !Array.isArray(references)) return true;
  return references.some((reference: unknown) => typeof reference === 'object' && reference !== null && (reference as { uid?: unknown }).uid === uid);
}
