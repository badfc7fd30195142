import { assessHealth } from '../../../../core/health/assess-health.js';
import type { HealthState } from '../../../../core/health/health-status.js';
import type { KubeObject } from '../../../../core/kube/object.js';
import type { Reason } from '../../../../core/reasons.js';
import { fixtureNames, readFixture } from '../fixtures.js';

interface Fixture {
  object: KubeObject;
  pods?: KubeObject[];
  replicaSets?: KubeObject[];
}

const dir = new URL('./fixtures/', import.meta.url);

// fixture → the state, the reason and a part of the message a person would act on.
const cases: [string, HealthState, Reason, string][] = [
  ['deployment-available', 'Healthy', 'Ready', '3 of 3 replicas available'],
  ['deployment-progress-deadline', 'Degraded', 'ProgressDeadlineExceeded', 'ReplicaSet "catalog-5b8f4d" has timed out progressing'],
  ['deployment-generation-not-observed', 'Progressing', 'NotObserved', 'observe generation 6 (observed 5)'],
  ['deployment-no-status-yet', 'Progressing', 'NotObserved', 'report a status'],
  ['deployment-replicas-updating', 'Progressing', 'ReplicasUpdating', '1 of 3 replicas updated'],
  ['deployment-old-replicas-pending', 'Progressing', 'OldReplicasPending', '1 old replica pending termination'],
  ['deployment-replicas-unavailable', 'Progressing', 'ReplicasUnavailable', '2 of 3 updated replicas available'],
  ['deployment-paused', 'Degraded', 'RolloutPaused', 'spec.paused'],
  ['deployment-quota-exceeded', 'Progressing', 'ReplicaFailure', 'exceeded quota: compute'],
  ['deployment-pods-rejected-invalid', 'Degraded', 'PodRejected', 'exists in both matchLabelKeys and labelSelector'],
  ['deployment-status-unreadable', 'Unknown', 'StatusUnreadable', 'status.replicas'],
  ['deployment-crash-loop', 'Degraded', 'CrashLoopBackOff', 'container "catalog" of pod shop-dev/catalog-5b8f4d-xk2lp is in CrashLoopBackOff after 4 restarts (last exit: Error, code 1)'],
  ['deployment-old-pods-crashing-ignored', 'Progressing', 'OldReplicasPending', '1 old replica'],
  ['deployment-image-pull-backoff', 'Degraded', 'ImagePullBackOff', 'container "migrate" of pod shop-dev/orders-6f7d8c-9zz8y is in ImagePullBackOff: Back-off pulling image'],
  ['deployment-first-image-pull-error-still-progressing', 'Progressing', 'ReplicasUnavailable', '0 of 1 updated replicas available'],
  ['statefulset-ready', 'Healthy', 'Ready', '3 of 3 replicas ready'],
  ['statefulset-rolling-update', 'Progressing', 'ReplicasUpdating', '1 of 3 replicas at revision db-7c0a'],
  ['statefulset-partition-updated', 'Healthy', 'Ready', '1 replicas above partition 2 updated'],
  ['statefulset-crash-loop', 'Degraded', 'CrashLoopBackOff', 'container "postgres" of pod shop-prod/db-2 is in CrashLoopBackOff after 2 restarts (last exit: OOMKilled, code 137)'],
  ['daemonset-updating', 'Progressing', 'ReplicasUpdating', '1 of 3 scheduled pods updated'],
  ['daemonset-available', 'Healthy', 'Ready', '3 of 3 scheduled pods available'],
  ['replicaset-available', 'Healthy', 'Ready', '2 of 2 replicas available'],
  ['replicaset-replicas-unavailable', 'Progressing', 'ReplicasUnavailable', '1 of 2 replicas available'],
  ['replicaset-pods-rejected-invalid', 'Degraded', 'PodRejected', 'must be less than or equal to cpu limit'],
  ['pod-ready', 'Healthy', 'Ready', 'pod is ready'],
  ['pod-unschedulable', 'Progressing', 'Unschedulable', '3 Insufficient memory'],
  ['pod-evicted', 'Degraded', 'PodFailed', 'Evicted: The node was low on resource: memory.'],
  ['pod-missing-config-key', 'Degraded', 'ContainerConfigError', "couldn't find key DB_URL in Secret shop-dev/db"],
  ['service-clusterip-ready', 'Healthy', 'Ready', 'ClusterIP Service is ready'],
  ['service-loadbalancer-pending', 'Progressing', 'LoadBalancerPending', 'address'],
  ['service-loadbalancer-ready', 'Healthy', 'Ready', 'load balancer has an address'],
  ['pvc-bound', 'Healthy', 'Bound', 'bound'],
  ['pvc-pending', 'Progressing', 'ClaimPending', 'Pending'],
  ['pvc-lost', 'Degraded', 'ClaimLost', 'lost'],
  ['job-complete', 'Healthy', 'Complete', '1 succeeded'],
  ['job-failed-backoff-limit', 'Degraded', 'JobFailed', 'BackoffLimitExceeded: Job has reached the specified backoff limit'],
  ['job-running', 'Progressing', 'JobRunning', '1 active'],
  ['job-suspended', 'Healthy', 'Ready', 'suspended'],
  ['hpa-able-to-scale', 'Healthy', 'Ready', 'active'],
  ['hpa-metrics-unavailable', 'Healthy', 'MetricsUnavailable', 'FailedGetResourceMetric'],
  ['hpa-target-missing', 'Degraded', 'ScaleTargetInvalid', 'deployments/scale.apps "storefrnt" not found'],
  ['hpa-not-observed', 'Progressing', 'NotObserved', 'check its target'],
  ['crd-established', 'Healthy', 'Ready', 'established'],
  ['crd-names-conflict', 'Degraded', 'Stalled', 'ListKindConflict'],
  ['custom-resource-stalled', 'Degraded', 'Stalled', 'spec.size must be positive'],
  ['custom-resource-reconciling', 'Progressing', 'Reconciling', 'creating 2 of 3'],
  ['custom-resource-generation-not-observed', 'Progressing', 'NotObserved', 'generation 3'],
  ['custom-resource-ready', 'Healthy', 'Ready', 'ready'],
  ['configmap-no-status', 'Healthy', 'Ready', 'no status'],
  ['object-terminating', 'Progressing', 'Terminating', 'being deleted'],
];

describe('assessHealth, one fixture per outcome', () => {
  it.each(cases)('%s is %s (%s)', (name, status, reason, message) => {
    const fixture = readFixture<Fixture>(dir, name);
    const health = assessHealth(fixture.object, { pods: fixture.pods, replicaSets: fixture.replicaSets });
    expect(health).toEqual({ status, reason, message: expect.stringContaining(message) });
  });

  it('has a case for every fixture, and a fixture for every case', () => {
    expect(cases.map(([name]) => name).sort()).toEqual(fixtureNames(dir));
  });

  it('calls a missing object Unknown', () => {
    expect(assessHealth(undefined)).toMatchObject({ status: 'Unknown', reason: 'NotFound' });
  });

  it('judges a Deployment by its own status when no pods are given', () => {
    const { object } = readFixture<Fixture>(dir, 'deployment-crash-loop');
    expect(assessHealth(object)).toMatchObject({ status: 'Progressing', reason: 'ReplicasUpdating' });
  });
});
