import type { Gvk } from '../resource/res-id.js';
import type { FieldSpec } from './field-spec.js';

/** A kind that others refer to by name, and the fields of other kinds that hold such a name. */
export interface NameBackReference {
  readonly target: Partial<Gvk>;
  readonly referrers: readonly FieldSpec[];
}

/**
 * Where each workload kind keeps its pod spec, and how the paths under the pod spec are spelled for it (kustomize's
 * default name-reference configuration lists these per kind).
 */
const POD_SPEC_PREFIXES: readonly (readonly [FieldSpec['kind'], string, Partial<FieldSpec>?])[] = [
  ['Pod', 'spec', { version: 'v1' }],
  ['PodTemplate', 'template/spec'],
  ['Deployment', 'spec/template/spec'],
  ['ReplicaSet', 'spec/template/spec'],
  ['DaemonSet', 'spec/template/spec'],
  ['StatefulSet', 'spec/template/spec'],
  ['Job', 'spec/template/spec'],
  ['CronJob', 'spec/jobTemplate/spec/template/spec'],
];

function podPaths(subPaths: readonly string[], kinds = POD_SPEC_PREFIXES): FieldSpec[] {
  return kinds.flatMap(([kind, prefix, extra]) =>
    subPaths.map((sub) => ({ ...(extra ?? {}), kind, path: `${prefix}/${sub}` })),
  );
}

const CONFIGMAP_POD_PATHS = [
  'volumes/configMap/name',
  'containers/env/valueFrom/configMapKeyRef/name',
  'initContainers/env/valueFrom/configMapKeyRef/name',
  'containers/envFrom/configMapRef/name',
  'initContainers/envFrom/configMapRef/name',
  'volumes/projected/sources/configMap/name',
];

const SECRET_POD_PATHS = [
  'volumes/secret/secretName',
  'containers/env/valueFrom/secretKeyRef/name',
  'initContainers/env/valueFrom/secretKeyRef/name',
  'containers/envFrom/secretRef/name',
  'initContainers/envFrom/secretRef/name',
  'imagePullSecrets/name',
  'volumes/projected/sources/secret/name',
];

const WORKLOADS_WITH_POD_TEMPLATE = [
  'StatefulSet',
  'Deployment',
  'ReplicationController',
  'CronJob',
  'Job',
  'DaemonSet',
];

function templateSpecPaths(field: string): FieldSpec[] {
  return [
    { path: `spec/${field}`, kind: 'Pod' },
    ...WORKLOADS_WITH_POD_TEMPLATE.map((kind) => ({
      kind,
      path: kind === 'CronJob' ? `spec/jobTemplate/spec/template/spec/${field}` : `spec/template/spec/${field}`,
    })),
  ];
}

const scaleTarget: FieldSpec = { path: 'spec/scaleTargetRef/name', kind: 'HorizontalPodAutoscaler' };

/** kustomize v5's default name-reference table. */
export const NAME_REFERENCES: readonly NameBackReference[] = [
  { target: { kind: 'Deployment' }, referrers: [scaleTarget] },
  { target: { kind: 'ReplicationController' }, referrers: [scaleTarget] },
  { target: { kind: 'ReplicaSet' }, referrers: [scaleTarget] },
  { target: { kind: 'StatefulSet' }, referrers: [scaleTarget] },
  {
    target: { kind: 'ConfigMap', version: 'v1' },
    referrers: [
      ...podPaths(CONFIGMAP_POD_PATHS),
      { path: 'spec/configSource/configMap', kind: 'Node' },
      { path: 'rules/resourceNames', kind: 'Role' },
      { path: 'rules/resourceNames', kind: 'ClusterRole' },
      { path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap', kind: 'Ingress' },
    ],
  },
  {
    target: { kind: 'Secret', version: 'v1' },
    referrers: [
      ...podPaths(SECRET_POD_PATHS),
      { path: 'spec/tls/secretName', kind: 'Ingress' },
      { path: 'metadata/annotations/ingress.kubernetes.io\\/auth-secret', kind: 'Ingress' },
      { path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret', kind: 'Ingress' },
      { path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret', kind: 'Ingress' },
      { path: 'spec/tls/secretName', kind: 'Ingress' },
      { path: 'imagePullSecrets/name', kind: 'ServiceAccount' },
      { path: 'parameters/secretName', kind: 'StorageClass' },
      { path: 'parameters/adminSecretName', kind: 'StorageClass' },
      { path: 'parameters/userSecretName', kind: 'StorageClass' },
      { path: 'parameters/secretRef', kind: 'StorageClass' },
      { path: 'rules/resourceNames', kind: 'Role' },
      { path: 'rules/resourceNames', kind: 'ClusterRole' },
      {
        path: 'spec/template/spec/containers/env/valueFrom/secretKeyRef/name',
        kind: 'Service',
        group: 'serving.knative.dev',
        version: 'v1',
      },
      { path: 'spec/azureFile/secretName', kind: 'PersistentVolume' },
    ],
  },
  {
    target: { kind: 'Service', version: 'v1' },
    referrers: [
      { path: 'spec/serviceName', kind: 'StatefulSet', group: 'apps' },
      { path: 'spec/rules/http/paths/backend/serviceName', kind: 'Ingress' },
      { path: 'spec/backend/serviceName', kind: 'Ingress' },
      { path: 'spec/rules/http/paths/backend/service/name', kind: 'Ingress' },
      { path: 'spec/defaultBackend/service/name', kind: 'Ingress' },
      { path: 'spec/service/name', kind: 'APIService', group: 'apiregistration.k8s.io' },
      {
        path: 'webhooks/clientConfig/service',
        kind: 'ValidatingWebhookConfiguration',
        group: 'admissionregistration.k8s.io',
      },
      {
        path: 'webhooks/clientConfig/service',
        kind: 'MutatingWebhookConfiguration',
        group: 'admissionregistration.k8s.io',
      },
    ],
  },
  {
    target: { kind: 'Role', group: 'rbac.authorization.k8s.io' },
    referrers: [{ path: 'roleRef/name', kind: 'RoleBinding', group: 'rbac.authorization.k8s.io' }],
  },
  {
    target: { kind: 'ClusterRole', group: 'rbac.authorization.k8s.io' },
    referrers: [
      { path: 'roleRef/name', kind: 'RoleBinding', group: 'rbac.authorization.k8s.io' },
      { path: 'roleRef/name', kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io' },
    ],
  },
  {
    target: { kind: 'ServiceAccount', version: 'v1' },
    referrers: [
      { path: 'subjects', kind: 'RoleBinding', group: 'rbac.authorization.k8s.io' },
      { path: 'subjects', kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io' },
      ...templateSpecPaths('serviceAccountName'),
    ],
  },
  {
    target: { kind: 'PersistentVolumeClaim', version: 'v1' },
    referrers: templateSpecPaths('volumes/persistentVolumeClaim/claimName'),
  },
  {
    target: { kind: 'PersistentVolume', version: 'v1' },
    referrers: [
      { path: 'spec/volumeName', kind: 'PersistentVolumeClaim' },
      { path: 'rules/resourceNames', kind: 'ClusterRole' },
    ],
  },
  {
    target: { kind: 'StorageClass', version: 'v1', group: 'storage.k8s.io' },
    referrers: [
      { path: 'spec/storageClassName', kind: 'PersistentVolume' },
      { path: 'spec/storageClassName', kind: 'PersistentVolumeClaim' },
      { path: 'spec/volumeClaimTemplates/spec/storageClassName', kind: 'StatefulSet' },
    ],
  },
  {
    target: { kind: 'PriorityClass', version: 'v1', group: 'scheduling.k8s.io' },
    referrers: templateSpecPaths('priorityClassName'),
  },
  {
    target: { kind: 'IngressClass', version: 'v1', group: 'networking.k8s.io/v1' },
    referrers: [{ path: 'spec/ingressClassName', kind: 'Ingress' }],
  },
  {
    target: { kind: 'ValidatingAdmissionPolicy', group: 'admissionregistration.k8s.io' },
    referrers: [
      { path: 'spec/policyName', kind: 'ValidatingAdmissionPolicyBinding', group: 'admissionregistration.k8s.io' },
    ],
  },
];
