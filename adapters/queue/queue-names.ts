// Every name the pipeline gives Redis, in one place. BullMQ builds its keys as `<prefix>:<queue>:<suffix>`; our own
// few keys live under `<prefix>:pipeline:` so they can never collide with a queue's.
//
// The prefix is wrapped in braces (`{gantry}`): Redis Cluster hashes only the part inside `{}`, so every key of
// the pipeline lands in one slot and BullMQ's multi-key Lua scripts (and our pipelines) work on a cluster too.

/** The queue of accepted webhook deliveries, one job per delivery. */
export const PLAN_QUEUE = 'plan';
/** The queue of GitHub reports (statuses, check runs), retried independently of the deploy that caused them. */
export const REPORT_QUEUE = 'report';
/**
 * The queue of `gantry/validate` runs, one job per plan job: validation never delays the plan, so a push's deploy is
 * enqueued without waiting for every environment's render and schema check.
 */
export const VALIDATE_QUEUE = 'validate';
/** The queue of image builds, one job per repository and content tag, with its own concurrency. */
export const BUILD_QUEUE = 'build';

const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** env.yaml names are DNS labels; anything else would not be a name we created. */
const ENVIRONMENT = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The BullMQ `prefix` for a namespace: `gantry` → `{gantry}`.
 *
 * @throws Error when `namespace` has characters that would break the hash tag or the key layout
 */
export function queuePrefix(namespace: string): string {
  if (!NAMESPACE.test(namespace)) {
    throw new Error(`queue namespace "${namespace}" must be letters, digits, "-" and "_" (for example gantry)`);
  }
  return `{${namespace}}`;
}

/** True for a name env.yaml accepts as an environment name. */
export function isEnvironmentName(value: string): boolean {
  return value.length <= 63 && ENVIRONMENT.test(value);
}

/** The queue of one environment's deployments: `deploy.staging`. One queue per environment, one job at a time. */
export function deployQueueName(environment: string): string {
  if (!isEnvironmentName(environment)) throw new Error(`"${environment}" is not an environment name (a DNS label)`);
  return `deploy.${environment}`;
}

/** Keys outside BullMQ's own. */
export interface PipelineKeys {
  /** INCR counter: the order in which the webhook accepted deliveries. */
  readonly sequence: string;
  /** SET of environment names that have a deploy queue. */
  readonly environments: string;
  /** ZSET per environment: lane → the highest sequence enqueued or started in that lane. */
  latest(environment: string): string;
  /** SET per build job: the deploy jobs (`<queue>|<job id>`) waiting for it, promoted when it finishes. */
  buildWaiters(buildJobId: string): string;
}

/** The pipeline's own keys under a BullMQ prefix (`{gantry}`). */
export function pipelineKeys(prefix: string): PipelineKeys {
  const base = `${prefix}:pipeline`;
  return {
    sequence: `${base}:sequence`,
    environments: `${base}:environments`,
    latest: (environment) => `${base}:latest:${environment}`,
    buildWaiters: (buildJobId) => `${base}:build-waiters:${buildJobId}`,
  };
}
