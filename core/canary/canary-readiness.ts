// The gate's view of the canary Deployment: its current template's pods only (core/health/current-pods.ts), so
// a canary whose new pods never become ready fails even while older pods still serve.
import type { KubeObject } from '../kube/object.js';
import { currentDeploymentPods } from '../health/current-pods.js';
import type { CanaryReadiness } from './canary-gate.js';

interface PodStatus {
  readonly conditions?: readonly { readonly type?: string; readonly status?: string }[];
  readonly containerStatuses?: readonly { readonly restartCount?: number }[];
}

/** Desired replicas, ready pods of the current template and their restarts, from a `readRollout` snapshot. */
export function canaryReadiness(
  deployment: KubeObject | undefined,
  replicaSets: readonly KubeObject[],
  pods: readonly KubeObject[],
): CanaryReadiness {
  if (!deployment) return { desired: 0, ready: 0, restarts: 0 };
  const desired = (deployment.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  const current = currentDeploymentPods(deployment, pods, replicaSets).filter(
    (pod) => pod.metadata['deletionTimestamp'] === undefined,
  );
  let ready = 0;
  let restarts = 0;
  for (const pod of current) {
    const status = (pod.status ?? {}) as PodStatus;
    if (status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready += 1;
    for (const container of status.containerStatuses ?? []) restarts += container.restartCount ?? 0;
  }
  return { desired, ready, restarts };
}
