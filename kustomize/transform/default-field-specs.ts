import type { FieldSpec } from './field-spec.js';

/**
 * The fields kustomize v5's built-in transformers touch, by transformer (its default transformer configuration).
 * Facts about kustomize's behaviour, restated as data: which paths hold labels, selectors, images, replicas, and
 * the namespace-like fields besides metadata.namespace.
 */

const podTemplateKinds = ['Deployment', 'ReplicaSet', 'DaemonSet'] as const;

/** metadata/labels everywhere, and the pod template labels of the workload kinds. */
export const METADATA_LABEL_SPECS: readonly FieldSpec[] = [
  { path: 'metadata/labels', create: true },
  { path: 'spec/template/metadata/labels', create: true, version: 'v1', kind: 'ReplicationController' },
  ...podTemplateKinds.map((kind) => ({ path: 'spec/template/metadata/labels', create: true, kind })),
  { path: 'spec/template/metadata/labels', create: true, group: 'apps', kind: 'StatefulSet' },
  { path: 'spec/template/metadata/labels', create: true, group: 'batch', kind: 'Job' },
  { path: 'spec/jobTemplate/metadata/labels', create: true, group: 'batch', kind: 'CronJob' },
  { path: 'spec/jobTemplate/spec/template/metadata/labels', create: true, group: 'batch', kind: 'CronJob' },
];

/** StatefulSet volume claim template labels. */
export const VOLUME_CLAIM_TEMPLATE_LABEL_SPECS: readonly FieldSpec[] = [
  { path: 'spec/volumeClaimTemplates[]/metadata/labels', create: true, group: 'apps', kind: 'StatefulSet' },
];

const affinityPaths = [
  'spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
];

/** commonLabels (and labels with includeSelectors): labels plus every selector that must keep matching them. */
export const COMMON_LABEL_SPECS: readonly FieldSpec[] = [
  { path: 'spec/selector', create: true, version: 'v1', kind: 'Service' },
  { path: 'spec/selector', create: true, version: 'v1', kind: 'ReplicationController' },
  { path: 'spec/selector/matchLabels', create: true, kind: 'Deployment' },
  ...affinityPaths.map((path) => ({ path, create: false, group: 'apps', kind: 'Deployment' })),
  { path: 'spec/selector/matchLabels', create: true, kind: 'ReplicaSet' },
  { path: 'spec/selector/matchLabels', create: true, kind: 'DaemonSet' },
  { path: 'spec/selector/matchLabels', create: true, group: 'apps', kind: 'StatefulSet' },
  ...affinityPaths.map((path) => ({ path, create: false, group: 'apps', kind: 'StatefulSet' })),
  { path: 'spec/selector/matchLabels', create: false, group: 'batch', kind: 'Job' },
  { path: 'spec/jobTemplate/spec/selector/matchLabels', create: false, group: 'batch', kind: 'CronJob' },
  { path: 'spec/selector/matchLabels', create: false, group: 'policy', kind: 'PodDisruptionBudget' },
  { path: 'spec/podSelector/matchLabels', create: false, group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  {
    path: 'spec/ingress/from/podSelector/matchLabels',
    create: false,
    group: 'networking.k8s.io',
    kind: 'NetworkPolicy',
  },
  { path: 'spec/egress/to/podSelector/matchLabels', create: false, group: 'networking.k8s.io', kind: 'NetworkPolicy' },
  ...METADATA_LABEL_SPECS,
  ...VOLUME_CLAIM_TEMPLATE_LABEL_SPECS,
];

/** commonAnnotations: metadata plus the pod templates. */
export const COMMON_ANNOTATION_SPECS: readonly FieldSpec[] = [
  { path: 'metadata/annotations', create: true },
  { path: 'spec/template/metadata/annotations', create: true, version: 'v1', kind: 'ReplicationController' },
  ...podTemplateKinds.map((kind) => ({ path: 'spec/template/metadata/annotations', create: true, kind })),
  { path: 'spec/template/metadata/annotations', create: true, kind: 'StatefulSet' },
  { path: 'spec/template/metadata/annotations', create: true, group: 'batch', kind: 'Job' },
  { path: 'spec/jobTemplate/metadata/annotations', create: true, group: 'batch', kind: 'CronJob' },
  { path: 'spec/jobTemplate/spec/template/metadata/annotations', create: true, group: 'batch', kind: 'CronJob' },
];

/** Namespace-valued fields other than metadata/namespace. */
export const NAMESPACE_SPECS: readonly FieldSpec[] = [
  { path: 'metadata/name', kind: 'Namespace', create: true },
  { path: 'spec/service/namespace', group: 'apiregistration.k8s.io', kind: 'APIService', create: true },
  {
    path: 'spec/conversion/webhook/clientConfig/service/namespace',
    group: 'apiextensions.k8s.io',
    kind: 'CustomResourceDefinition',
  },
];

/** namePrefix / nameSuffix rename metadata/name only. */
export const NAME_SPECS: readonly FieldSpec[] = [{ path: 'metadata/name' }];

/** Container image fields. */
export const IMAGE_SPECS: readonly FieldSpec[] = [
  { path: 'spec/containers[]/image', create: true },
  { path: 'spec/initContainers[]/image', create: true },
  { path: 'spec/volumes[]/image/reference', create: true },
  { path: 'spec/template/spec/containers[]/image', create: true },
  { path: 'spec/template/spec/initContainers[]/image', create: true },
  { path: 'spec/template/spec/volumes[]/image/reference', create: true },
  { path: 'spec/jobTemplate/spec/template/spec/volumes[]/image/reference', create: true },
];

/** Replica counts. */
export const REPLICA_SPECS: readonly FieldSpec[] = [
  { path: 'spec/replicas', create: true, kind: 'Deployment' },
  { path: 'spec/replicas', create: true, kind: 'ReplicationController' },
  { path: 'spec/replicas', create: true, kind: 'ReplicaSet' },
  { path: 'spec/replicas', create: true, kind: 'StatefulSet' },
];

/** Where a pod spec lies in each kind whose containers `vars` reach. */
const varPodSpecs: readonly (readonly [string, string])[] = [
  ['CronJob', 'spec/jobTemplate/spec/template/spec'],
  ['DaemonSet', 'spec/template/spec'],
  ['Deployment', 'spec/template/spec'],
  ['Job', 'spec/template/spec'],
  ['Pod', 'spec'],
  ['ReplicaSet', 'spec/template/spec'],
  ['StatefulSet', 'spec/template/spec'],
];

const varContainerFields = ['args', 'command', 'env/value', 'volumeMounts/mountPath'];

/**
 * The fields where `vars` replace `$(NAME)` (kustomize's default varReference): container args, commands, env values
 * and mount paths, NFS servers, a few Service, Ingress and PersistentVolume fields, and labels and annotations.
 */
export const VAR_REFERENCE_SPECS: readonly FieldSpec[] = [
  ...varPodSpecs.flatMap(([kind, podSpec]) => [
    ...['containers', 'initContainers'].flatMap((list) =>
      varContainerFields.map((field) => ({ kind, path: `${podSpec}/${list}/${field}` })),
    ),
    // kustomize lists the CronJob NFS path one level short of the pod spec, and a StatefulSet's under its claim
    // templates (below); kept as kustomize has them.
    ...(kind === 'StatefulSet'
      ? []
      : [
          {
            kind,
            path:
              kind === 'CronJob'
                ? 'spec/jobTemplate/spec/template/volumes/nfs/server'
                : `${podSpec}/volumes/nfs/server`,
          },
        ]),
    ...(kind === 'Deployment' ? [{ kind, path: 'spec/template/metadata/annotations' }] : []),
  ]),
  { kind: 'Ingress', path: 'spec/rules/host' },
  { kind: 'Ingress', path: 'spec/tls/hosts' },
  { kind: 'Ingress', path: 'spec/tls/secretName' },
  { kind: 'Service', path: 'spec/ports/port' },
  { kind: 'Service', path: 'spec/ports/targetPort' },
  { kind: 'StatefulSet', path: 'spec/volumeClaimTemplates/spec/nfs/server' },
  { kind: 'PersistentVolume', path: 'spec/nfs/server' },
  { path: 'metadata/labels' },
  { path: 'metadata/annotations' },
];
