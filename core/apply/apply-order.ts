import type { KubeObject, ObjectRef } from '../kube/object.js';
import { refOf } from '../kube/object.js';

/**
 * The apply stages, in order. Everything an object may depend on comes in an earlier stage: its kind's definition,
 * its namespace, the identity and configuration its pods mount, the Service its routes point at. Objects within one
 * stage do not depend on each other and can be applied in parallel.
 */
export const APPLY_STAGES = [
  'crds',
  'namespaces',
  'cluster-config',
  'identity',
  'config',
  'storage',
  'services',
  'workloads',
  'scaling',
  'custom-resources',
  'traffic-backends',
  'traffic-routers',
  'traffic-routes',
  'admission',
] as const;

export type ApplyStage = (typeof APPLY_STAGES)[number];

/** `group/Kind` (`Kind` alone for the core group) → stage. Kinds not listed are custom resources. */
const STAGE_OF_KIND: Readonly<Record<string, ApplyStage>> = {
  'apiextensions.k8s.io/CustomResourceDefinition': 'crds',
  Namespace: 'namespaces',
  // Cluster-wide classes and the namespace's guard rails: in place before anything that they govern.
  'scheduling.k8s.io/PriorityClass': 'cluster-config',
  'node.k8s.io/RuntimeClass': 'cluster-config',
  'networking.k8s.io/IngressClass': 'cluster-config',
  'gateway.networking.k8s.io/GatewayClass': 'cluster-config',
  ResourceQuota: 'cluster-config',
  LimitRange: 'cluster-config',
  'networking.k8s.io/NetworkPolicy': 'cluster-config',
  ServiceAccount: 'identity',
  'rbac.authorization.k8s.io/ClusterRole': 'identity',
  'rbac.authorization.k8s.io/Role': 'identity',
  'rbac.authorization.k8s.io/ClusterRoleBinding': 'identity',
  'rbac.authorization.k8s.io/RoleBinding': 'identity',
  ConfigMap: 'config',
  Secret: 'config',
  'storage.k8s.io/StorageClass': 'storage',
  PersistentVolume: 'storage',
  PersistentVolumeClaim: 'storage',
  Service: 'services',
  'apps/Deployment': 'workloads',
  'apps/StatefulSet': 'workloads',
  'apps/DaemonSet': 'workloads',
  'apps/ReplicaSet': 'workloads',
  Pod: 'workloads',
  ReplicationController: 'workloads',
  'batch/Job': 'workloads',
  'batch/CronJob': 'workloads',
  // Scalers and budgets refer to workloads (an HPA on a missing target reports FailedGetScale).
  'autoscaling/HorizontalPodAutoscaler': 'scaling',
  'autoscaling.k8s.io/VerticalPodAutoscaler': 'scaling',
  'keda.sh/ScaledObject': 'scaling',
  'policy/PodDisruptionBudget': 'scaling',
  // Traffic last, so that no route sends requests to a backend that does not exist yet; App Mesh resolves a
  // VirtualService through its VirtualRouter to VirtualNodes, Gateway API an HTTPRoute through its Gateway.
  'appmesh.k8s.aws/Mesh': 'traffic-backends',
  'appmesh.k8s.aws/VirtualNode': 'traffic-backends',
  'appmesh.k8s.aws/VirtualGateway': 'traffic-backends',
  'gateway.networking.k8s.io/Gateway': 'traffic-backends',
  'gateway.networking.k8s.io/ReferenceGrant': 'traffic-backends',
  'appmesh.k8s.aws/VirtualRouter': 'traffic-routers',
  'appmesh.k8s.aws/VirtualService': 'traffic-routes',
  'appmesh.k8s.aws/GatewayRoute': 'traffic-routes',
  'gateway.networking.k8s.io/HTTPRoute': 'traffic-routes',
  'gateway.networking.k8s.io/GRPCRoute': 'traffic-routes',
  'gateway.networking.k8s.io/TLSRoute': 'traffic-routes',
  'gateway.networking.k8s.io/TCPRoute': 'traffic-routes',
  'networking.k8s.io/Ingress': 'traffic-routes',
  // Admission webhooks call a Service: registering them before it serves would block every later request.
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': 'admission',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': 'admission',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': 'admission',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding': 'admission',
  'apiregistration.k8s.io/APIService': 'admission',
};

/** The stage an object of this group and kind is applied in. */
export function stageOf(ref: Pick<ObjectRef, 'group' | 'kind'>): ApplyStage {
  return STAGE_OF_KIND[ref.group === '' ? ref.kind : `${ref.group}/${ref.kind}`] ?? 'custom-resources';
}

/** One stage's objects, all of which may be applied (or deleted) at once. */
export interface Stage<T> {
  readonly stage: ApplyStage;
  readonly items: readonly T[];
}

/** The objects grouped into their apply stages, in apply order, empty stages left out; ordered by ref within each. */
export function stagesFor(objects: readonly KubeObject[]): Stage<KubeObject>[] {
  return group(objects, refOf, APPLY_STAGES);
}

/** The objects to delete, grouped in the reverse of the apply order: routes go before what they route to. */
export function pruneStagesFor(refs: readonly ObjectRef[]): Stage<ObjectRef>[] {
  return group(refs, (ref) => ref, [...APPLY_STAGES].reverse());
}

function group<T>(items: readonly T[], refOfItem: (item: T) => ObjectRef, order: readonly ApplyStage[]): Stage<T>[] {
  const byStage = new Map<ApplyStage, { item: T; key: string }[]>();
  for (const item of items) {
    const ref = refOfItem(item);
    const stage = stageOf(ref);
    const members = byStage.get(stage) ?? [];
    members.push({ item, key: sortKey(ref) });
    byStage.set(stage, members);
  }
  return order.flatMap((stage) => {
    const members = byStage.get(stage);
    if (!members) return [];
    return [{ stage, items: members.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((m) => m.item) }];
  });
}

function sortKey(ref: ObjectRef): string {
  return [ref.kind, ref.namespace ?? '', ref.name].join('\u0000');
}
