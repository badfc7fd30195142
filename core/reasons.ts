// One closed set of reasons: every failure the pipeline reports and every health verdict it reaches names one of
// these, so logs, release records, commit statuses and check runs speak the same words (as Flux's condition
// reasons do). Adding a reason is a deliberate act: it must also be classified as terminal or retryable below.

/** Every reason the pipeline can give, by name. Use as `Reason.ApplyFailed`; the type `Reason` is their union. */
export const Reason = {
  // ── Input and preparation (terminal: retrying cannot help until someone changes the input) ──
  /** A webhook payload that is not what GitHub sends for its event. */
  InvalidEvent: 'InvalidEvent',
  /** app.yaml or env.yaml is invalid. */
  InvalidConfig: 'InvalidConfig',
  /** kustomize could not render the environment. */
  RenderFailed: 'RenderFailed',
  /** An environment already runs `preview.maxConcurrent` previews: a new one is refused until one closes. */
  PreviewLimitReached: 'PreviewLimitReached',
  /** An image build failed (a RUN step, a Dockerfile error, a missing base image...). */
  BuildFailed: 'BuildFailed',
  /** An image build ran past its timeout and was stopped. */
  BuildTimedOut: 'BuildTimedOut',
  /** A deploy cannot go on because a build it needs failed (the message names the app). */
  BuildDependencyFailed: 'BuildDependencyFailed',
  /** The apiserver's dry-run rejected an object (400/422), so nothing was applied. */
  ValidationFailed: 'ValidationFailed',
  /** An object changes a field the apiserver never lets change (a Service's clusterIP, a Job's template...). */
  ImmutableFieldChanged: 'ImmutableFieldChanged',
  /** Apply failed for a reason that no more specific constant names. */
  ApplyFailed: 'ApplyFailed',
  /** Validating and applying the objects took longer than the environment's `apply.timeout` and were stopped. */
  ApplyTimedOut: 'ApplyTimedOut',
  /** The pipeline's identity may not do this (401/403). */
  Forbidden: 'Forbidden',
  /** The object, its namespace or its kind does not exist (404), or a watched object disappeared. */
  NotFound: 'NotFound',
  /** The render is empty while the environment still holds objects: pruning would delete everything. */
  PruneRefusedEmptyRender: 'PruneRefusedEmptyRender',
  /** A stored release record cannot be read back. */
  ReleaseRecordInvalid: 'ReleaseRecordInvalid',

  // ── Transient (retryable with backoff) ──
  /** The apiserver did not answer at all (connection refused or reset, DNS, TLS). */
  ClusterUnreachable: 'ClusterUnreachable',
  /** The apiserver answered 5xx. */
  ApiServerError: 'ApiServerError',
  /** The apiserver or GitHub answered 408. */
  RequestTimeout: 'RequestTimeout',
  /** 429: too many requests (apiserver priority and fairness, GitHub rate limits). */
  RateLimited: 'RateLimited',
  /** 409: someone else changed the object in between (optimistic concurrency). */
  Conflict: 'Conflict',
  /** Fetching the repository failed. */
  GitFetchFailed: 'GitFetchFailed',
  /** Redis did not answer. */
  QueueUnavailable: 'QueueUnavailable',
  /** The image registry (ECR, the local registry) or the build service did not answer. */
  RegistryUnavailable: 'RegistryUnavailable',

  // ── Rollout outcomes (terminal for the attempt; they lead to a rollback, not a retry) ──
  /** A Deployment's Progressing condition says the rollout stopped progressing. */
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  /** The environment's rollout timeout passed before everything was healthy. */
  HealthCheckTimeout: 'HealthCheckTimeout',
  /** A canary's gate failed at a step: the traffic went back to the stable version, the canary was scaled down. */
  CanaryAborted: 'CanaryAborted',
  /** A newer commit for the same environment took this one's place. */
  Superseded: 'Superseded',
  /** The failed release was replaced by the last good one. */
  RolledBack: 'RolledBack',
  /** Going back to the last good release failed too: the environment needs a person. */
  RollbackFailed: 'RollbackFailed',

  // ── Health verdicts (see core/health) ──
  /** Healthy: the object is ready or available. */
  Ready: 'Ready',
  /** Healthy: a Job finished. */
  Complete: 'Complete',
  /** Healthy: a PersistentVolumeClaim has its volume. */
  Bound: 'Bound',
  /** The controller has not yet seen the latest spec (observedGeneration < generation, or no status yet). */
  NotObserved: 'NotObserved',
  /** Fewer replicas than desired run the new template. */
  ReplicasUpdating: 'ReplicasUpdating',
  /** Replicas of the old template are still running. */
  OldReplicasPending: 'OldReplicasPending',
  /** Replicas run the new template but are not all available. */
  ReplicasUnavailable: 'ReplicasUnavailable',
  /** The controller could not create replicas (quota, admission), as its ReplicaFailure condition says. */
  ReplicaFailure: 'ReplicaFailure',
  /** The apiserver rejects the pods the controller creates as invalid: no retry or wait can make them pass. */
  PodRejected: 'PodRejected',
  /** `spec.paused` is true, so the new template will never roll out. */
  RolloutPaused: 'RolloutPaused',
  /** A container keeps crashing and restarting. */
  CrashLoopBackOff: 'CrashLoopBackOff',
  /** A container's image cannot be pulled. */
  ImagePullBackOff: 'ImagePullBackOff',
  /** A container cannot be created (missing ConfigMap or Secret key, invalid image name...). */
  ContainerConfigError: 'ContainerConfigError',
  /** A pod ended in phase Failed. */
  PodFailed: 'PodFailed',
  /** A pod runs but is not Ready yet. */
  PodNotReady: 'PodNotReady',
  /** The scheduler has no node for a pod (yet). */
  Unschedulable: 'Unschedulable',
  /** A LoadBalancer Service has no ingress address yet. */
  LoadBalancerPending: 'LoadBalancerPending',
  /** A PersistentVolumeClaim waits for a volume. */
  ClaimPending: 'ClaimPending',
  /** A PersistentVolumeClaim lost its volume. */
  ClaimLost: 'ClaimLost',
  /** A Job still runs. */
  JobRunning: 'JobRunning',
  /** A Job failed (backoff limit, deadline). */
  JobFailed: 'JobFailed',
  /** A HorizontalPodAutoscaler cannot reach or scale its target. */
  ScaleTargetInvalid: 'ScaleTargetInvalid',
  /**
   * Metrics cannot be read: a HorizontalPodAutoscaler's (it works, not a failure), or the canary analysis's source
   * (Prometheus down or answering an error; retryable).
   */
  MetricsUnavailable: 'MetricsUnavailable',
  /** The object's `Stalled` condition is true: its controller gave up. */
  Stalled: 'Stalled',
  /** The object's controller is still working on it (`Reconciling` true, or `Ready` false). */
  Reconciling: 'Reconciling',
  /** The object is being deleted. */
  Terminating: 'Terminating',
  /** The object's status cannot be read as its kind defines it. */
  StatusUnreadable: 'StatusUnreadable',
} as const;

export type Reason = (typeof Reason)[keyof typeof Reason];

/** The reasons a retry with backoff may cure; every other reason is terminal. */
const RETRYABLE: ReadonlySet<Reason> = new Set<Reason>([
  Reason.ClusterUnreachable,
  Reason.ApiServerError,
  Reason.RequestTimeout,
  Reason.RateLimited,
  Reason.Conflict,
  Reason.GitFetchFailed,
  Reason.QueueUnavailable,
  Reason.RegistryUnavailable,
  Reason.MetricsUnavailable,
]);

/** True when retrying the same step later may succeed (transient trouble); false when it is terminal. */
export function isRetryable(reason: Reason): boolean {
  return RETRYABLE.has(reason);
}

/** True for every name in {@link Reason}: for values read back from storage or queues. */
export function isReason(value: unknown): value is Reason {
  return typeof value === 'string' && Object.hasOwn(Reason, value);
}

/**
 * The reason an HTTP error status from the apiserver (or GitHub) stands for.
 *
 * 422 is the apiserver's answer to both invalid objects and immutable fields; the message tells them apart
 * ("field is immutable"), so pass it when there is one.
 */
export function reasonForHttpStatus(status: number, message = ''): Reason {
  if (status === 408) return Reason.RequestTimeout;
  if (status === 409) return Reason.Conflict;
  if (status === 429) return Reason.RateLimited;
  if (status >= 500) return Reason.ApiServerError;
  if (status === 401 || status === 403) return Reason.Forbidden;
  if (status === 404) return Reason.NotFound;
  if (/field is immutable|immutable field/i.test(message)) return Reason.ImmutableFieldChanged;
  if (status === 400 || status === 422) return Reason.ValidationFailed;
  return Reason.ApplyFailed;
}
