import type { KubeObject } from '../kube/object.js';
import { splitApiVersion } from '../kube/object.js';
import { Reason } from '../reasons.js';
import { assessCustomResourceDefinition } from './assess-crd.js';
import { assessDaemonSet } from './assess-daemonset.js';
import { assessDeployment } from './assess-deployment.js';
import { assessGeneric } from './assess-generic.js';
import { assessHorizontalPodAutoscaler } from './assess-hpa.js';
import { assessJob } from './assess-job.js';
import { assessPod } from './assess-pod.js';
import { assessPersistentVolumeClaim } from './assess-pvc.js';
import { assessReplicaSet } from './assess-replicaset.js';
import { assessService } from './assess-service.js';
import { assessStatefulSet } from './assess-statefulset.js';
import type { HealthStatus, RelatedObjects } from './health-status.js';
import { progressing, unknown } from './health-status.js';

type Assessor = (obj: KubeObject, related: RelatedObjects) => HealthStatus;

/** `group/Kind` (`Kind` alone for the core group) → its health rules; every other kind gets {@link assessGeneric}. */
const ASSESSORS: Readonly<Record<string, Assessor>> = {
  'apps/Deployment': assessDeployment,
  'apps/StatefulSet': assessStatefulSet,
  'apps/DaemonSet': assessDaemonSet,
  'apps/ReplicaSet': assessReplicaSet,
  Pod: assessPod,
  Service: assessService,
  PersistentVolumeClaim: assessPersistentVolumeClaim,
  'batch/Job': assessJob,
  'autoscaling/HorizontalPodAutoscaler': assessHorizontalPodAutoscaler,
  'apiextensions.k8s.io/CustomResourceDefinition': assessCustomResourceDefinition,
};

/**
 * The health of one live object by its kind's rules.
 *
 * @param obj the live object; undefined when it does not exist (Unknown: it may not have reached the cache yet)
 * @param related the pods (and, for a Deployment, the ReplicaSets) the object owns, to fail fast on pods that
 *   cannot run; without them a workload is judged from its own status only
 */
export function assessHealth(obj: KubeObject | undefined, related: RelatedObjects = {}): HealthStatus {
  if (obj === undefined) return unknown(Reason.NotFound, 'the object does not exist');
  if (obj.metadata['deletionTimestamp'] !== undefined) return progressing(Reason.Terminating, 'the object is being deleted');
  const { group } = splitApiVersion(obj.apiVersion);
  const assess = ASSESSORS[group === '' ? obj.kind : `${group}/${obj.kind}`] ?? assessGeneric;
  return assess(obj, related);
}
