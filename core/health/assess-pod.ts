import { z } from 'zod';
import type { KubeObject } from '../kube/object.js';
import { Reason } from '../reasons.js';
import type { HealthStatus } from './health-status.js';
import { conditionsSchema, degraded, describeCondition, findCondition, healthy, metadataSchema, progressing, readObject } from './health-status.js';

const containerStatus = z.looseObject({
  name: z.string(),
  restartCount: z.number().int().min(0).default(0),
  state: z
    .looseObject({
      waiting: z.looseObject({ reason: z.string().optional(), message: z.string().optional() }).optional(),
    })
    .optional(),
  lastState: z
    .looseObject({ terminated: z.looseObject({ reason: z.string().optional(), exitCode: z.number().int().optional() }).optional() })
    .optional(),
});
type ContainerStatus = z.infer<typeof containerStatus>;

const podSchema = z.looseObject({
  metadata: metadataSchema,
  status: z
    .looseObject({
      phase: z.string().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      conditions: conditionsSchema,
      containerStatuses: z.array(containerStatus).optional(),
      initContainerStatuses: z.array(containerStatus).optional(),
    })
    .optional(),
});
type Pod = z.infer<typeof podSchema>;

/**
 * Waiting reasons that mean a container will not start by waiting longer. `ErrImagePull` is left out: it is the
 * first, possibly transient, failure; the kubelet turns a lasting one into `ImagePullBackOff` within seconds.
 */
const FAILING: Readonly<Record<string, Reason>> = {
  CrashLoopBackOff: Reason.CrashLoopBackOff,
  ImagePullBackOff: Reason.ImagePullBackOff,
  ErrImageNeverPull: Reason.ImagePullBackOff,
  InvalidImageName: Reason.ContainerConfigError,
  CreateContainerConfigError: Reason.ContainerConfigError,
  CreateContainerError: Reason.ContainerConfigError,
  RunContainerError: Reason.ContainerConfigError,
};

function failingContainer(pod: Pod, container: ContainerStatus): HealthStatus | undefined {
  const waiting = container.state?.waiting;
  const reason = waiting?.reason === undefined ? undefined : FAILING[waiting.reason];
  // A crash loop counts once the container has actually restarted, as the kubelet's own back-off implies.
  if (reason === undefined || (reason === Reason.CrashLoopBackOff && container.restartCount === 0)) return undefined;
  const where = `container "${container.name}" of pod ${pod.metadata.namespace ? `${pod.metadata.namespace}/` : ''}${pod.metadata.name}`;
  const restarts = container.restartCount > 0 ? ` after ${container.restartCount} restart${container.restartCount === 1 ? '' : 's'}` : '';
  const last = container.lastState?.terminated;
  const exit = last ? ` (last exit: ${[last.reason, last.exitCode === undefined ? undefined : `code ${last.exitCode}`].filter(Boolean).join(', ')})` : '';
  const detail = waiting?.message ? `: ${waiting.message}` : '';
  return degraded(reason, `${where} is in ${waiting?.reason}${restarts}${exit}${detail}`);
}

/** The first container of `pod` that is failing in a way waiting cannot cure, as a Degraded status. */
function podContainerFailure(pod: Pod): HealthStatus | undefined {
  const containers = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const container of containers) {
    const failure = failingContainer(pod, container);
    if (failure) return failure;
  }
  return undefined;
}

/**
 * The first failing container among a workload's pods (crash loop with restarts, image that cannot be pulled,
 * container that cannot be created), naming the container and the pod; undefined when none fails. Lets a rollout
 * fail fast instead of waiting for its deadline.
 */
export function podsFailure(pods: readonly KubeObject[]): HealthStatus | undefined {
  for (const obj of pods) {
    const parsed = podSchema.safeParse(obj);
    const failure = parsed.success ? podContainerFailure(parsed.data) : undefined;
    if (failure) return failure;
  }
  return undefined;
}

/** A bare Pod: Healthy once Ready (or Succeeded), Degraded when Failed or when a container cannot run. */
export function assessPod(obj: KubeObject): HealthStatus {
  const read = readObject(podSchema, obj);
  if (!read.ok) return read.health;
  const pod = read.value;
  const failure = podContainerFailure(pod);
  if (failure) return failure;
  const status = pod.status;
  if (status?.phase === 'Succeeded') return healthy(Reason.Complete, 'pod completed');
  if (status?.phase === 'Failed') return degraded(Reason.PodFailed, `pod failed: ${[status.reason, status.message].filter(Boolean).join(': ') || 'no reason given'}`);
  const scheduled = findCondition(status?.conditions, 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') return progressing(Reason.Unschedulable, `pod cannot be scheduled yet: ${describeCondition(scheduled)}`);
  if (status?.phase === 'Running' && findCondition(status.conditions, 'Ready')?.status === 'True') return healthy(Reason.Ready, 'pod is ready');
  return progressing(Reason.PodNotReady, `pod is ${status?.phase ?? 'not yet scheduled'} and not ready`);
}
