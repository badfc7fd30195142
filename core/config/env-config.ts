// env.yaml: what the pipeline needs to know about one environment beyond its overlay: which branch it follows,
// where it runs, and how careful a deploy there is. Field reference with defaults: environments/README.md.
import { z } from 'zod';
import type { TrafficProvider } from './app-workload.js';
import { TRAFFIC_PROVIDERS } from './app-workload.js';
import type { DeepReadonly } from './deep-freeze.js';
import { branchName, dnsLabel, duration } from './fields.js';
import type { YamlParser } from './parse-config-file.js';
import { parseConfigFile } from './parse-config-file.js';

/** `canary`: apps with a `canary` section go through its steps; the others roll as their Deployment says. `rolling`: every app rolls as its Deployment says. */
export type RolloutStrategy = 'canary' | 'rolling';

/**
 * The cluster name that means "the cluster the kubeconfig's current context reaches" (the local platform, kind, a
 * worker running in the cluster it deploys to), like Argo CD's `in-cluster`. Any other name is a cluster of its own.
 */
export const LOCAL_CLUSTER = 'local';

const MINUTE = 60_000;

/** A resource name in a ResourceQuota or LimitRange (`requests.cpu`, `pods`, `memory`, `count/services`). */
const quantityName = z.string().regex(/^[a-z][a-z0-9./-]*$/, {
  error: 'must be a resource name such as requests.cpu, limits.memory, pods or cpu',
});
/** A Kubernetes quantity (`500m`, `2Gi`, `10`); written as a string or a number. */
const quantity = z
  .union([z.string(), z.number().nonnegative()])
  .transform((value) => String(value))
  .pipe(
    z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/, {
      error: 'must be a Kubernetes quantity such as 500m, 2, 512Mi or 4Gi',
    }),
  );

const clusterSchema = z
  .strictObject({
    name: z
      .string()
      .max(100)
      .regex(/^[0-9A-Za-z][A-Za-z0-9_-]*$/, {
        error: `must be an EKS cluster name (letters, digits, "-" and "_"), or ${LOCAL_CLUSTER} for the local platform`,
      })
      .describe(`the EKS cluster name, or ${LOCAL_CLUSTER} for the local platform`),
    context: z
      .string()
      .min(1)
      .optional()
      .describe('the kubeconfig context that reaches the cluster; default: the context named like the cluster'),
  })
  // As Argo CD names a destination cluster after the kubeconfig context it was added from: a cluster is reached
  // through the context of its name, so an environment never lands on whatever context happens to be current.
  // Only `local` without a context means the current one.
  .transform((cluster) => {
    const context = cluster.context ?? (cluster.name === LOCAL_CLUSTER ? undefined : cluster.name);
    return { name: cluster.name, ...(context !== undefined && { context }) };
  });

// The metrics source's address. Credentials in it would reach logs and check runs (the analysis names its source),
// so they are refused; a path prefix is fine (a Prometheus behind a proxy at /prometheus).
const prometheusUrl = z
  .string()
  .superRefine((text, ctx) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL, for example http://prometheus.monitoring:9090' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      ctx.addIssue({ code: 'custom', message: `must be an http or https URL, not ${url.protocol.slice(0, -1)}` });
    else if (url.username || url.password)
      ctx.addIssue({
        code: 'custom',
        message: 'must not carry credentials (they would be printed with the source); not supported yet',
      });
    else if (url.search || url.hash)
      ctx.addIssue({ code: 'custom', message: 'must be the server\'s base URL, without a query or fragment' });
  })
  .describe('the Prometheus server whose HTTP API the canary analysis queries, for example http://prometheus:9090');

/** How App Mesh virtual nodes find their version's pods (env.yaml `traffic.discovery`). */
export type MeshDiscoveryConfig = { type: 'dns' } | { type: 'cloud-map'; namespace: string };

const meshDiscovery = (discovery: { type: 'dns' | 'cloud-map'; namespace?: string | undefined }): MeshDiscoveryConfig =>
  discovery.type === 'cloud-map' && discovery.namespace !== undefined
    ? { type: 'cloud-map', namespace: discovery.namespace }
    : { type: 'dns' };

/** The zod schema of env.yaml, before defaults that depend on other fields are filled in. Prefer {@link parseEnvConfig}. */
export const envConfigSchema = z
  .strictObject({
    name: dnsLabel('staging').describe(
      'the environment name, the same as its directory under environments/ (for example staging)',
    ),
    branch: branchName.describe('the git branch this environment follows, for example main'),
    cluster: clusterSchema.describe(`where the environment runs, for example { name: ${LOCAL_CLUSTER} }`),
    namespace: dnsLabel('shop-staging').describe('the namespace the overlay deploys into, for example shop-staging'),
    apply: z
      .strictObject({
        prune: z.boolean().default(true),
        timeout: duration({ min: 5_000, max: 60 * MINUTE }).prefault('2m'),
      })
      .prefault({}),
    rollout: z
      .strictObject({
        strategy: z.enum(['canary', 'rolling']).default('canary'),
        timeout: duration({ min: 10_000, max: 6 * 60 * MINUTE }).prefault('10m'),
      })
      .prefault({}),
    rollback: z.strictObject({ automatic: z.boolean().default(true) }).prefault({}),
    history: z.strictObject({ limit: z.number().int().min(1).max(100).default(10) }).prefault({}),
    drift: z
      .strictObject({
        mode: z.enum(['correct', 'report']).default('correct'),
        resync: duration({ min: MINUTE, max: 24 * 60 * MINUTE }).prefault('10m'),
      })
      .prefault({}),
    traffic: z
      .strictObject({
        provider: z.enum(TRAFFIC_PROVIDERS).default('gateway-api'),
        gateway: z
          .strictObject({ name: dnsLabel('shop-gateway'), namespace: dnsLabel('gateway-system').optional() })
          .optional(),
        mesh: z
          .string()
          .max(255)
          .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, {
            error: 'must be an App Mesh mesh name: letters, digits, "-" and "_" (for example shop)',
          })
          .optional(),
        discovery: z
          .strictObject({
            type: z.enum(['dns', 'cloud-map']).default('dns'),
            namespace: z
              .string()
              .max(253)
              .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
                error: 'must be a Cloud Map namespace name: letters, digits, ".", "-" and "_" (for example shop.local)',
              })
              .optional()
              .describe('the Cloud Map namespace (HTTP or private DNS) the virtual nodes are registered in'),
          })
          .superRefine((discovery, ctx) => {
            if (discovery.type === 'cloud-map' && discovery.namespace === undefined)
              ctx.addIssue({
                code: 'custom',
                path: ['namespace'],
                message: 'is required with type cloud-map: the Cloud Map namespace the virtual nodes are found in',
              });
            if (discovery.type === 'dns' && discovery.namespace !== undefined)
              ctx.addIssue({
                code: 'custom',
                path: ['namespace'],
                message: 'applies to type cloud-map only: with dns, virtual nodes are found by their Services\' names',
              });
          })
          .prefault({}),
      })
      .prefault({}),
    analysis: z.strictObject({ prometheus: z.strictObject({ url: prometheusUrl }).optional() }).prefault({}),
    preview: z
      .strictObject({
        enabled: z.boolean().default(false),
        // 53 leaves room for a ten-digit pull request number within the 63 characters of a namespace name.
        namespacePrefix: z
          .string()
          .max(53)
          .regex(/^[a-z][-a-z0-9]*$/, {
            error:
              'must start a namespace name: a lowercase letter, then lowercase letters, digits and "-" (for example shop-pr-)',
          })
          .optional(),
        maxConcurrent: z.number().int().min(1).max(500).default(10),
        ttl: duration({ min: MINUTE, max: 90 * 24 * 60 * MINUTE }).prefault('168h'),
        forkLabel: z
          .string()
          .min(1)
          .max(50)
          .optional()
          .describe('the label a maintainer adds to a pull request from a fork to give it a preview; default: none, forks get none'),
        quota: z.record(quantityName, quantity).optional(),
        limits: z
          .strictObject({
            default: z.record(quantityName, quantity).optional(),
            defaultRequest: z.record(quantityName, quantity).optional(),
            max: z.record(quantityName, quantity).optional(),
          })
          .optional(),
        allowFrom: z.array(dnsLabel('ingress-nginx')).max(50).default([]),
      })
      .prefault({}),
  })
  .transform((env) => {
    const { gateway, discovery, ...traffic } = env.traffic;
    return {
      ...env,
      traffic: {
        ...traffic,
        discovery: meshDiscovery(discovery),
        ...(gateway && { gateway: { name: gateway.name, namespace: gateway.namespace ?? env.namespace } }),
      },
      preview: {
        ...env.preview,
        namespacePrefix: env.preview.namespacePrefix ?? `${env.namespace}-pr-`,
      },
    };
  });

/**
 * A parsed, validated and frozen `environments/<name>/env.yaml`. Durations are milliseconds.
 *
 * Example and field reference: environments/README.md. Defaults are listed on each field.
 */
export interface EnvConfig {
  /** The environment's name: its directory under `environments/`. Required. */
  readonly name: string;
  /** The git branch whose pushes deploy here (`main`, `release`). Several environments may follow one branch. Required. */
  readonly branch: string;
  readonly cluster: {
    /** The EKS cluster name, or {@link LOCAL_CLUSTER} for the local platform. Required. */
    readonly name: string;
    /**
     * The kubeconfig context that reaches it. Default: the context named `name`; for {@link LOCAL_CLUSTER},
     * absent, which means the kubeconfig's current context.
     */
    readonly context?: string;
  };
  /** The namespace the overlay's objects go to; the overlay's `namespace:` must be the same. Required. */
  readonly namespace: string;
  readonly apply: {
    /** Delete objects that the previous release applied and this one no longer renders. Default true. */
    readonly prune: boolean;
    /** Limit for validating and applying every object, milliseconds (written `2m`). Default 2m. */
    readonly timeout: number;
  };
  readonly rollout: {
    /** Default `canary`. */
    readonly strategy: RolloutStrategy;
    /** Limit for every workload to become healthy, canary steps included, milliseconds (written `10m`). Default 10m. */
    readonly timeout: number;
  };
  readonly rollback: {
    /** Re-apply the last good release when a rollout fails. Default true. */
    readonly automatic: boolean;
  };
  readonly history: {
    /** Releases kept in the cluster for this environment. Default 10. */
    readonly limit: number;
  };
  readonly drift: {
    /**
     * What the worker does when a field it applied is changed by another manager (`kubectl edit`, a controller):
     * `correct` re-applies the deployed commit; `report` sets a failing `drift/<env>` commit status on it naming
     * the field and the manager. Fields left to autoscalers are never drift. Default `correct`.
     */
    readonly mode: 'correct' | 'report';
    /** Every watched kind is re-listed this often (±10 %), catching anything a watch missed, ms (written `10m`). Default 10m. */
    readonly resync: number;
  };
  readonly traffic: {
    /** The provider for apps that do not pin one. Default `gateway-api`. */
    readonly provider: TrafficProvider;
    /** The Gateway that canary HTTPRoutes attach to (Gateway API). Its namespace defaults to the environment's. Required when a canary goes through Gateway API. */
    readonly gateway?: { readonly name: string; readonly namespace: string };
    /** The App Mesh mesh name. Required when a canary goes through App Mesh. */
    readonly mesh?: string;
    /**
     * How App Mesh virtual nodes find their version's pods: `dns` (the Services' cluster DNS names) or `cloud-map`
     * (instances in the named AWS Cloud Map namespace, kept in step with the versions). Default `dns`.
     */
    readonly discovery: { readonly type: 'dns' } | { readonly type: 'cloud-map'; readonly namespace: string };
  };
  readonly analysis: {
    /**
     * Where the canary gate reads the analysis metrics (app.yaml `canary.analysis`): a Prometheus server's base URL.
     * Absent: no metrics source, the gate is readiness and restarts only, and the check run says so.
     */
    readonly prometheus?: { readonly url: string };
  };
  readonly preview: {
    /** Deploy each pull request that targets `branch` into its own namespace, removed when it closes. Default false. */
    readonly enabled: boolean;
    /** Preview namespaces are this prefix plus the pull request number. Default `<namespace>-pr-`. */
    readonly namespacePrefix: string;
    /**
     * How long a preview lives after its last deploy, milliseconds (written `168h`): the periodic collector deletes
     * it then, even if its pull request is still open. Default 168h (a week).
     */
    readonly ttl: number;
    /** Previews of this environment at once; the next one is refused until one closes. Default 10. */
    readonly maxConcurrent: number;
    /** The label that gives a pull request from a fork a preview (added by a maintainer). Default: none, forks never get one. */
    readonly forkLabel?: string;
    /** The preview namespace's ResourceQuota `spec.hard` (`requests.cpu: "2"`, `pods: 20`). Default: no quota. */
    readonly quota?: Readonly<Record<string, string>>;
    /** The preview namespace's LimitRange, per container. Default: none. */
    readonly limits?: {
      readonly default?: Readonly<Record<string, string>>;
      readonly defaultRequest?: Readonly<Record<string, string>>;
      readonly max?: Readonly<Record<string, string>>;
    };
    /** Namespaces whose pods may connect into a preview (an ingress controller's); every other namespace is refused. Default none. */
    readonly allowFrom: readonly string[];
  };
}

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const schemaMatchesInterface: Equal<DeepReadonly<z.output<typeof envConfigSchema>>, EnvConfig> = true;
void schemaMatchesInterface;

/**
 * Parses and validates the text of an env.yaml.
 *
 * @param text the file's content
 * @param file the file's path relative to the repository root, used in every error message
 * @param parseYaml a YAML parser, normally `parse` from the `yaml` package (core/ does no parsing or I/O itself)
 * @throws ConfigError naming the file, each field and what to write instead
 */
export function parseEnvConfig(text: string, file: string, parseYaml: YamlParser): EnvConfig {
  return parseConfigFile(envConfigSchema, text, file, parseYaml, 'environments/README.md');
}
