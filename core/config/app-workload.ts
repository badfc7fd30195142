// What app.yaml says about one workload of an app's base: the ports its Service serves, its HTTP probes, its
// autoscaler's bounds and how it is canaried. `gantry check` holds each against the rendered base
// (check-app-base.ts). Field reference with defaults: apps/README.md.
import { z } from 'zod';
import { formatDuration } from './duration.js';
import { dnsLabel, duration, portName, portNumber, uniqueBy } from './fields.js';

/** How canary traffic is shifted. `gateway-api`: HTTPRoute weights (the default; the path AWS points App Mesh users to). `appmesh`: VirtualRouter weights (legacy; AWS ends App Mesh support on 2026-09-30). */
export type TrafficProvider = 'gateway-api' | 'appmesh';
export const TRAFFIC_PROVIDERS = ['gateway-api', 'appmesh'] as const satisfies readonly TrafficProvider[];

/** The kinds of workload app.yaml can describe: those that run pods from a template and roll them out. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';
export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const satisfies readonly WorkloadKind[];

const healthPath = z.string().regex(/^\/[^\s?#]*$/, {
  error: 'must be an HTTP path starting with "/" (for example /healthz), without spaces, query or fragment',
});

const portSchema = z.strictObject({
  name: portName.describe('the port name the Service and the probes refer to, for example http'),
  containerPort: portNumber.describe('the port the container listens on, for example 8080'),
  servicePort: portNumber.optional(),
  protocol: z.enum(['http', 'http2', 'grpc', 'tcp']).default('http'),
});

const stepSchema = z.strictObject({
  weight: z
    .number()
    .int()
    .min(1)
    .max(100)
    .describe('the percentage of traffic the canary receives during this step, 1 to 100'),
  pause: duration({ min: 0, max: 24 * 3_600_000 }).prefault('1m'),
});

const canarySchema = z
  .strictObject({
    steps: z
      .array(stepSchema)
      .min(1)
      .max(20)
      .default([
        { weight: 10, pause: 60_000 },
        { weight: 25, pause: 60_000 },
        { weight: 50, pause: 60_000 },
      ]),
    interval: duration({ min: 1_000, max: 3_600_000 }).prefault('30s'),
    analysis: z
      .strictObject({
        minSuccessRate: z.number().min(0).max(100).default(99),
        maxLatencyP99: duration({ min: 1, max: 60_000 }).prefault('500ms'),
        maxFailedChecks: z.number().int().min(0).max(100).default(2),
      })
      .prefault({}),
  })
  .superRefine((canary, ctx) => {
    canary.steps.forEach((step, index) => {
      const previous = canary.steps[index - 1];
      if (previous && step.weight <= previous.weight) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'weight'],
          input: step.weight,
          message: `must be greater than the previous step's weight (${previous.weight}): weights only go up, the canary is promoted after the last step`,
        });
      }
      if (step.pause < canary.interval) {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', index, 'pause'],
          input: step.pause,
          message: `(${formatDuration(step.pause)}) is shorter than canary.interval (${formatDuration(canary.interval)}), so no analysis check would run during this step; lengthen the pause or shorten the interval`,
        });
      }
    });
  });

const autoscalingSchema = z
  .strictObject({
    minReplicas: z.number().int().min(1).max(1_000).default(2),
    maxReplicas: z.number().int().min(1).max(1_000).default(6),
    targetCPUUtilization: z.number().int().min(1).max(100).default(70),
  })
  .superRefine((scaling, ctx) => {
    if (scaling.minReplicas > scaling.maxReplicas) {
      ctx.addIssue({
        code: 'custom',
        path: ['minReplicas'],
        input: scaling.minReplicas,
        message: `(${scaling.minReplicas}) is greater than autoscaling.maxReplicas (${scaling.maxReplicas}); lower minReplicas or raise maxReplicas (they default to 2 and 6)`,
      });
    }
  });

/**
 * The fields that describe one workload. They are written either at the top of app.yaml (the one-workload
 * spelling, describing the workload named after the app) or in each entry of `workloads`.
 */
export const workloadFields = {
  ports: z
    .array(portSchema)
    .min(1)
    .max(10)
    .superRefine(uniqueBy((port) => port.name, 'the port name'))
    .superRefine(uniqueBy((port) => port.containerPort, 'the containerPort'))
    .optional(),
  health: z
    .strictObject({
      port: portName.optional(),
      liveness: healthPath.default('/healthz'),
      readiness: healthPath.default('/readyz'),
    })
    .optional(),
  autoscaling: autoscalingSchema.optional(),
  canary: canarySchema.optional(),
  traffic: z.strictObject({ provider: z.enum(TRAFFIC_PROVIDERS).optional() }).optional(),
};

/** The names of {@link workloadFields}, to tell the one-workload spelling from an app.yaml that describes none. */
export const WORKLOAD_FIELD_NAMES = Object.keys(workloadFields) as (keyof typeof workloadFields)[];

type WorkloadInput = {
  [K in keyof typeof workloadFields]?: z.output<(typeof workloadFields)[K]>;
} & { readonly kind?: WorkloadKind };

/** The rules between a workload's fields; `ctx` paths are relative to the object holding the fields. */
export function refineWorkload(workload: WorkloadInput, ctx: z.RefinementCtx): void {
  const ports = workload.ports ?? [];
  const port = workload.health?.port;
  if (workload.health && port === undefined && ports.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['health'],
      input: workload.health,
      message: 'needs a port to probe: list the ports (the first is probed) or name one in health.port',
    });
  }
  if (port !== undefined && !ports.some((candidate) => candidate.name === port)) {
    ctx.addIssue({
      code: 'custom',
      path: ['health', 'port'],
      input: port,
      message:
        ports.length === 0
          ? 'names a port, but no ports are listed; list the ports the workload serves'
          : `names no port in ports (${ports.map((candidate) => candidate.name).join(', ')}); use one of those names`,
    });
  }
  if (workload.canary && ports.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['canary'],
      input: workload.canary,
      message: "needs ports: a canary's traffic is shifted on the Service port of the first one",
    });
  }
  if (workload.kind === 'DaemonSet' && workload.autoscaling) {
    ctx.addIssue({
      code: 'custom',
      path: ['autoscaling'],
      input: workload.autoscaling,
      message: 'is set on a DaemonSet, which runs one pod per node and cannot be autoscaled; remove it',
    });
  }
}

/** One entry of `workloads`, before the defaults that depend on other fields. */
export const workloadSchema = z
  .strictObject({
    name: dnsLabel('frontend').describe("the workload's name in the app's base, for example frontend"),
    kind: z.enum(WORKLOAD_KINDS).default('Deployment'),
    container: dnsLabel('server').optional(),
    ...workloadFields,
  })
  .superRefine(refineWorkload);

/** Fills in the defaults of one workload written at `field` (`workloads[2]`, or '' for the top of app.yaml). */
export function resolveWorkload(
  workload: { name: string; kind: WorkloadKind; container?: string } & WorkloadInput,
  field: string,
) {
  const ports = (workload.ports ?? []).map((port) => ({
    ...port,
    servicePort: port.servicePort ?? port.containerPort,
  }));
  const { health, ...rest } = workload;
  return {
    ...rest,
    field,
    ports,
    ...(health ? { health: { ...health, port: health.port ?? (ports[0] as { name: string }).name } } : {}),
    traffic: workload.traffic ?? {},
  };
}

/**
 * One workload of an app's base as app.yaml describes it. Only what is written is checked against the base: a
 * workload without `health` may probe as it likes, one without `autoscaling` must have no autoscaler.
 */
export interface AppWorkload {
  /** The workload's name in the app's base. Required (the app's name in the one-workload spelling). */
  readonly name: string;
  /** Default `Deployment`. */
  readonly kind: WorkloadKind;
  /** The container the ports and probes belong to. Absent: the container named like the workload, else the only one. */
  readonly container?: string;
  /** The ports the workload serves through a Service, the first being the main one (probes, traffic routing). Default none. */
  readonly ports: readonly AppPort[];
  /** The workload's HTTP probes. Absent: its probes are not described (gRPC, TCP or exec probes, or none). */
  readonly health?: AppHealth;
  /** HorizontalPodAutoscaler bounds, the same as the base's HPA for this workload. Absent: no HPA may target it. */
  readonly autoscaling?: AppAutoscaling;
  /** How a new version is rolled out where the environment's strategy is `canary`. Absent: never canaried; the workload's own strategy applies. */
  readonly canary?: AppCanary;
  readonly traffic: {
    /** Pins the workload to one traffic provider. Default: the environment's `traffic.provider`. */
    readonly provider?: TrafficProvider;
  };
  /** Where app.yaml writes this workload, for error messages: `workloads[2]`, or `''` for the top-level spelling. */
  readonly field: string;
}

export interface AppPort {
  /** Port name (IANA service name, for example `http`). Required. */
  readonly name: string;
  /** The port the container listens on. Required. */
  readonly containerPort: number;
  /** The Service's port for it. Default: `containerPort`. */
  readonly servicePort: number;
  /** Application protocol, for the traffic provider's listeners. Default `http`. */
  readonly protocol: 'http' | 'http2' | 'grpc' | 'tcp';
}

export interface AppHealth {
  /** The port probes and canary checks use. Default: the first port. */
  readonly port: string;
  /** Liveness probe path. Default `/healthz`. */
  readonly liveness: string;
  /** Readiness probe path. Default `/readyz`. */
  readonly readiness: string;
}

export interface AppAutoscaling {
  /** Default 2. */
  readonly minReplicas: number;
  /** Default 6; at least `minReplicas`. */
  readonly maxReplicas: number;
  /** Target average CPU use, percent of the CPU request. Default 70. */
  readonly targetCPUUtilization: number;
}

export interface AppCanary {
  /** Traffic steps, weights strictly increasing; after the last step the canary is promoted to 100%. Default 10%, 25%, 50%, each paused 1m. */
  readonly steps: readonly AppCanaryStep[];
  /** Time between analysis checks, milliseconds (written `30s`). Default 30s; no step's pause may be shorter. */
  readonly interval: number;
  readonly analysis: {
    /** Lowest acceptable share of non-5xx responses, percent. Default 99. */
    readonly minSuccessRate: number;
    /** Highest acceptable 99th percentile latency, milliseconds (written `500ms`). Default 500ms. */
    readonly maxLatencyP99: number;
    /** Failed checks tolerated during the whole canary; one more rolls it back. Default 2. */
    readonly maxFailedChecks: number;
  };
}

export interface AppCanaryStep {
  /** Percent of requests sent to the canary during the step, 1 to 100. Required. */
  readonly weight: number;
  /** How long the step lasts while checks run, milliseconds (written `1m`). Default 1m. */
  readonly pause: number;
}
