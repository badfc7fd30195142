// The worker service's settings, read once from the environment. Messages name the variable at fault and never
// quote a value (the token, the App key and a Redis URL with a password are secrets).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { GitHubConfigInput } from '../adapters/github/index.js';

/** Pino's levels. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Everything {@link startWorker} needs to know about the world. */
export interface WorkerConfig {
  /** `GANTRY_REDIS_URL`, default `redis://127.0.0.1:6379`. */
  readonly redisUrl: string;
  /** `GANTRY_QUEUE_PREFIX`, default `gantry` (the queues live under `{gantry}:`). */
  readonly queuePrefix: string;
  /** `KUBECONFIG` (one file); absent: the client's default lookup (~/.kube/config, then in-cluster). */
  readonly kubeconfig?: string;
  /** `GANTRY_GIT_CACHE`, where the bare mirrors live; default `~/.cache/gantry/git`. */
  readonly gitCacheDir: string;
  /** `GANTRY_GITHUB_URL` + `GANTRY_GITHUB_TOKEN`, or the `GANTRY_GITHUB_APP_*` trio. */
  readonly github: GitHubConfigInput;
  /** `GANTRY_LOG_LEVEL`, default `info`. */
  readonly logLevel: LogLevel;
  /** The build stage; absent (`GANTRY_BUILDER` unset or `none`): deploys run the images the manifests name. */
  readonly build?: BuildConfig;
}

/** Builders the worker can be given (`GANTRY_BUILDER`). */
export type BuilderKind = 'local' | 'codebuild';

/** How images are built. The chosen builder reads its own settings (registry, region…) at start. */
export interface BuildConfig {
  /** `GANTRY_BUILDER`: `local` (buildah → an OCI registry) or `codebuild` (CodeBuild → ECR). */
  readonly builder: BuilderKind;
  /** `GANTRY_BUILD_CONCURRENCY`: build jobs this process runs at once, independent of deploys. Default 2. */
  readonly concurrency: number;
  /** `GANTRY_BUILD_TIMEOUT_SECONDS`: a build running longer is stopped (BuildTimedOut). Default 1,800 s. */
  readonly timeoutMs: number;
}

/**
 * Builders this version of the worker contains. A builder listed in {@link BuilderKind} but not here is refused at
 * start with a message saying so, never accepted and ignored.
 */
export const AVAILABLE_BUILDERS: readonly BuilderKind[] = [];

/** The environment is not a usable configuration; the message lists each variable at fault and what to set. */
export class WorkerConfigError extends Error {
  override readonly name = 'WorkerConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`the worker's configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

const schema = z.object({
  GANTRY_REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine(isRedisUrl, { error: 'must be a redis:// or rediss:// URL, for example redis://redis.internal:6379' }),
  GANTRY_QUEUE_PREFIX: z
    .string()
    .default('gantry')
    .refine((value) => /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(value), {
      error: 'must be letters, digits, "-" and "_", for example gantry (the same value as the webhook service)',
    }),
  KUBECONFIG: optionalText.refine((value) => value === undefined || !value.includes(':'), {
    error: 'must name one kubeconfig file (a list of files is not supported)',
  }),
  GANTRY_GIT_CACHE: optionalText,
  GANTRY_GITHUB_URL: optionalText.refine((value) => value === undefined || isHttpUrl(value), {
    error: 'must be the REST API root, https://api.github.com or https://HOST/api/v3 for GitHub Enterprise',
  }),
  GANTRY_GITHUB_TOKEN: optionalText,
  GANTRY_GITHUB_APP_ID: optionalText,
  GANTRY_GITHUB_APP_PRIVATE_KEY: optionalText,
  GANTRY_GITHUB_APP_INSTALLATION_ID: optionalText,
  GANTRY_BUILDER: z
    .enum(['none', 'local', 'codebuild'], { error: 'must be none, local (buildah) or codebuild' })
    .default('none'),
  GANTRY_BUILD_CONCURRENCY: optionalText.refine((value) => value === undefined || /^[1-9]\d{0,2}$/.test(value), {
    error: 'must be a whole number from 1 to 999 (build jobs at once in this process)',
  }),
  GANTRY_BUILD_TIMEOUT_SECONDS: optionalText.refine((value) => value === undefined || /^[1-9]\d{0,5}$/.test(value), {
    error: 'must be a whole number of seconds, at least 1, for example 1800',
  }),
  GANTRY_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
});

const APP_VARIABLES = [
  'GANTRY_GITHUB_APP_ID',
  'GANTRY_GITHUB_APP_PRIVATE_KEY',
  'GANTRY_GITHUB_APP_INSTALLATION_ID',
] as const;

/**
 * Reads and checks the worker's settings. The GitHub credentials are only checked for presence here; their form
 * (a PEM key, numeric ids) is checked by the GitHub adapter when the worker starts.
 *
 * @throws WorkerConfigError naming each variable at fault
 */
export function readWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success)
    throw new WorkerConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  const vars = parsed.data;
  const github = githubAuth(vars);
  return Object.freeze({
    redisUrl: vars.GANTRY_REDIS_URL,
    queuePrefix: vars.GANTRY_QUEUE_PREFIX,
    ...(vars.KUBECONFIG !== undefined && { kubeconfig: vars.KUBECONFIG }),
    gitCacheDir: vars.GANTRY_GIT_CACHE ?? join(homedir(), '.cache', 'gantry', 'git'),
    github: { ...(vars.GANTRY_GITHUB_URL !== undefined && { baseUrl: vars.GANTRY_GITHUB_URL }), auth: github },
    logLevel: vars.GANTRY_LOG_LEVEL,
    ...buildConfig(vars),
  });
}

function buildConfig(vars: z.output<typeof schema>): { build?: BuildConfig } {
  const builder = vars.GANTRY_BUILDER;
  if (builder === 'none') return {};
  if (!AVAILABLE_BUILDERS.includes(builder))
    throw new WorkerConfigError([
      `GANTRY_BUILDER is ${builder}, which is not supported yet: this worker has no ${builder === 'local' ? 'buildah' : 'CodeBuild'} builder; leave GANTRY_BUILDER unset (deploys then run the images the manifests name)`,
    ]);
  return {
    build: {
      builder,
      concurrency: Number(vars.GANTRY_BUILD_CONCURRENCY ?? '2'),
      timeoutMs: Number(vars.GANTRY_BUILD_TIMEOUT_SECONDS ?? '1800') * 1_000,
    },
  };
}

function githubAuth(vars: z.output<typeof schema>): GitHubConfigInput['auth'] {
  const app = APP_VARIABLES.filter((name) => vars[name] !== undefined);
  if (vars.GANTRY_GITHUB_TOKEN !== undefined && app.length > 0)
    throw new WorkerConfigError([
      `GANTRY_GITHUB_TOKEN and ${app.join(', ')} are both set: set the token or the App, not both`,
    ]);
  if (vars.GANTRY_GITHUB_TOKEN !== undefined) return { type: 'token', token: vars.GANTRY_GITHUB_TOKEN };
  if (app.length === 0)
    throw new WorkerConfigError([
      'GANTRY_GITHUB_TOKEN is not set: set it to a token allowed to write statuses and checks, or set GANTRY_GITHUB_APP_ID, GANTRY_GITHUB_APP_PRIVATE_KEY and GANTRY_GITHUB_APP_INSTALLATION_ID',
    ]);
  const missing = APP_VARIABLES.filter((name) => vars[name] === undefined);
  if (missing.length > 0)
    throw new WorkerConfigError(
      missing.map((name) => `${name} is not set: a GitHub App needs all three GANTRY_GITHUB_APP_* variables`),
    );
  return {
    type: 'app',
    appId: vars.GANTRY_GITHUB_APP_ID ?? '',
    privateKey: vars.GANTRY_GITHUB_APP_PRIVATE_KEY ?? '',
    installationId: vars.GANTRY_GITHUB_APP_INSTALLATION_ID ?? '',
  };
}

function isRedisUrl(value: string): boolean {
  try {
    return ['redis:', 'rediss:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
