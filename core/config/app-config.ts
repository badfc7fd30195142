// app.yaml: what the pipeline needs to know about one app beyond its manifests: how to build its image, how to
// route and probe it, and how to roll it out. Field reference with defaults: apps/README.md.
import { z } from 'zod';
import type { DeepReadonly } from './deep-freeze.js';
import { formatDuration } from './duration.js';
import { appRelativePath, duration, portName, portNumber, serviceName, uniqueBy, watchPattern } from './fields.js';
import type { YamlParser } from './parse-config-file.js';
import { parseConfigFile } from './parse-config-file.js';

/** How canary traffic is shifted. `gateway-api`: HTTPRoute weights (the default; the path AWS points App Mesh users to). `appmesh`: VirtualRouter weights (legacy; AWS ends App Mesh support on 2026-09-30). */
export type TrafficProvider = 'gateway-api' | 'appmesh';
export const TRAFFIC_PROVIDERS = ['gateway-api', 'appmesh'] as const satisfies readonly TrafficProvider[];

/** The watch patterns used when app.yaml names none: everything in the app except its manifests and this file. */
export const DEFAULT_WATCH = Object.freeze(['**', '!base/**', '!app.yaml']);

const ECR_REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

const imageRepository = z
  .string()
  .min(2)
  .max(256)
  .superRefine((name, ctx) => {
    if (ECR_REPOSITORY.test(name)) return;
    const hint = /[:@]/.test(name)
      ? 'has a tag, digest or registry port; write the repository name alone, the pipeline adds the registry and the tag'
      : 'is not an ECR repository name: lowercase letters and digits, separated by ".", "_", "-" or "/" (for example shop/catalog)';
    ctx.addIssue({ code: 'custom', input: name, message: `${JSON.stringify(name)} ${hint}` });
  });

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

const buildArgs = z
  .record(
    z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be a build argument name: letters, digits and _' }),
    z.string().max(4_096),
  )
  .default({});

const buildSchema = z.strictObject({
  context: appRelativePath.default('.'),
  dockerfile: appRelativePath.default('Dockerfile'),
  watch: z.array(watchPattern).min(1).optional(),
  buildArgs,
});

const imageSchema = z.strictObject({
  name: serviceName('frontend').optional(),
  repository: imageRepository.describe('the ECR repository name the image is pushed to, for example shop/frontend'),
  context: appRelativePath.default('.'),
  dockerfile: appRelativePath.optional(),
  watch: z.array(watchPattern).min(1).optional(),
  buildArgs,
});

/** The default watch list of an image built from `context`: the whole app for `.`, else the context directory. */
function defaultWatch(context: string): readonly string[] {
  const dir = context.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '');
  return dir === '' || dir === '.' ? [...DEFAULT_WATCH] : [`${dir}/**`];
}

/** The zod schema of app.yaml, before defaults that depend on other fields are filled in. Prefer {@link parseAppConfig}. */
export const appConfigSchema = z
  .strictObject({
    name: serviceName('catalog').describe('the app name, the same as its directory under apps/ (for example catalog)'),
    // Two spellings of what to build: `image` + `build` for an app with one image (the common case), or `images`
    // for an app that builds several from one repository (a Dockerfile per service under src/<service>/). The
    // parsed model has only `images`, so nothing downstream cares which spelling a file used.
    image: z
      .strictObject({
        repository: imageRepository.describe(
          'the ECR repository name the image is pushed to, for example shop/catalog',
        ),
      })
      .optional(),
    build: buildSchema.optional(),
    images: z
      .array(imageSchema)
      .min(1)
      .max(50)
      .superRefine(uniqueBy((image) => image.repository, 'the repository'))
      .superRefine(uniqueBy((image) => image.name ?? image.repository, 'the image name'))
      .optional(),
    ports: z
      .array(portSchema)
      .min(1)
      .max(10)
      .superRefine(uniqueBy((port) => port.name, 'the port name'))
      .superRefine(uniqueBy((port) => port.containerPort, 'the containerPort')),
    health: z
      .strictObject({
        port: portName.optional(),
        liveness: healthPath.default('/healthz'),
        readiness: healthPath.default('/readyz'),
      })
      .prefault({}),
    autoscaling: autoscalingSchema.optional(),
    canary: canarySchema.optional(),
    traffic: z.strictObject({ provider: z.enum(TRAFFIC_PROVIDERS).optional() }).prefault({}),
  })
  .superRefine((app, ctx) => {
    if (app.images !== undefined && (app.image !== undefined || app.build !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['images'],
        input: app.images,
        message:
          'is given together with image/build; use `image` + `build` for one image or `images` for several, not both',
      });
    }
    if (app.images === undefined && app.image === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['image'],
        input: undefined,
        message:
          "is missing: name the repository the app's image is pushed to (image.repository), or list several under images",
      });
    }
    const port = app.health.port;
    if (port !== undefined && !app.ports.some((candidate) => candidate.name === port)) {
      ctx.addIssue({
        code: 'custom',
        path: ['health', 'port'],
        input: port,
        message: `names no port in ports (${app.ports.map((candidate) => candidate.name).join(', ')}); use one of those names`,
      });
    }
  })
  .transform(({ image, build, images, ...app }) => {
    const ports = app.ports.map((port) => ({ ...port, servicePort: port.servicePort ?? port.containerPort }));
    const single = {
      repository: image?.repository ?? '',
      context: build?.context ?? '.',
      ...build,
      dockerfile: build?.dockerfile,
    };
    const listed = images ?? [single];
    const resolved: AppImage[] = listed.map((entry) => {
      const context = entry.context ?? '.';
      const dir = context.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '');
      return {
        name: ('name' in entry ? entry.name : undefined) ?? entry.repository.split('/').pop() ?? entry.repository,
        repository: entry.repository,
        context,
        dockerfile: entry.dockerfile ?? (dir === '' || dir === '.' ? 'Dockerfile' : `${dir}/Dockerfile`),
        watch: entry.watch ?? defaultWatch(context),
        buildArgs: entry.buildArgs ?? {},
      };
    });
    return {
      ...app,
      images: resolved,
      ports,
      health: { ...app.health, port: app.health.port ?? (ports[0] as { name: string }).name },
    };
  });

/**
 * A parsed, validated and frozen `apps/<name>/app.yaml`. Durations are milliseconds.
 *
 * Example and field reference: apps/README.md. Defaults are listed on each field.
 */
export interface AppConfig {
  /** The app's name: its directory under `apps/`, and the name of its Deployment, Service and ServiceAccount. Required. */
  readonly name: string;
  /**
   * The images the app builds, at least one: from `images`, or the one that `image` + `build` describe. Each is
   * decided (content tag), built and pinned on its own.
   */
  readonly images: readonly AppImage[];
  /** The ports the app serves, the first being the main one (probes, traffic routing). At least one. */
  readonly ports: readonly AppPort[];
  readonly health: {
    /** The port probes and canary checks use. Default: the first port. */
    readonly port: string;
    /** Liveness probe path. Default `/healthz`. */
    readonly liveness: string;
    /** Readiness probe path. Default `/readyz`. */
    readonly readiness: string;
  };
  /** HorizontalPodAutoscaler bounds, the same as the app's base HPA. Absent: the app does not autoscale (its manifests fix the replica count). */
  readonly autoscaling?: AppAutoscaling;
  /** How a new version is rolled out where the environment's strategy is `canary`. Absent: never canaried; the Deployment's own strategy applies. */
  readonly canary?: AppCanary;
  readonly traffic: {
    /** Pins the app to one traffic provider. Default: the environment's `traffic.provider`. */
    readonly provider?: TrafficProvider;
  };
}

/** One image an app builds. Paths are relative to the app directory. */
export interface AppImage {
  /** Names the image within the app (check runs, logs). Default: the last segment of `repository`. */
  readonly name: string;
  /** ECR repository name (`shop/catalog`), without registry or tag: the build pushes there, and the base's image name is this too, so the `images:` transformer can pin it. Required. */
  readonly repository: string;
  /** Docker build context. Default `.`. */
  readonly context: string;
  /** The Dockerfile. Default `Dockerfile` for the context `.`, else `<context>/Dockerfile`. */
  readonly dockerfile: string;
  /** Globs whose change triggers a rebuild; `!` excludes. Default {@link DEFAULT_WATCH} for the context `.`, else `<context>/**`. */
  readonly watch: readonly string[];
  /** `--build-arg` values. Default none. */
  readonly buildArgs: Readonly<Record<string, string>>;
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

// Compile-time proof that the documented interface is exactly what the schema produces.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const schemaMatchesInterface: Equal<DeepReadonly<z.output<typeof appConfigSchema>>, AppConfig> = true;
void schemaMatchesInterface;

/**
 * Parses and validates the text of an app.yaml.
 *
 * @param text the file's content
 * @param file the file's path relative to the repository root, used in every error message
 * @param parseYaml a YAML parser, normally `parse` from the `yaml` package (core/ does no parsing or I/O itself)
 * @throws ConfigError naming the file, each field and what to write instead
 */
export function parseAppConfig(text: string, file: string, parseYaml: YamlParser): AppConfig {
  return parseConfigFile(appConfigSchema, text, file, parseYaml, 'apps/README.md');
}
