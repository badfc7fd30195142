// The worker service's settings, read once from the environment. Messages name the variable at fault and never
// quote a value (the token, the App key and a Redis URL with a password are secrets).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { GitHubConfigInput } from '../adapters/github/index.js';
import { KubeconfigNotFoundError, loadKubeConfig } from '../adapters/kube/index.js';
import { CodeBuildConfigError, readCodeBuildConfig, type CodeBuildConfig } from '../adapters/aws/index.js';
import { BuildahConfigError, readBuildahConfig, type BuildahConfig } from '../adapters/registry/index.js';

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
  /** `GANTRY_GITHUB_URL` + `GANTRY_GITHUB_TOKEN`, or the `GANTRY_GITHUB_APP_*` trio; `GANTRY_GITHUB_WRITE_INTERVAL_MS`. */
  readonly github: GitHubConfigInput;
  /** `GANTRY_LOG_LEVEL`, default `info`. */
  readonly logLevel: LogLevel;
  /** The build stage; absent (`GANTRY_BUILDER` unset or `none`): deploys run the images the manifests name. */
  readonly build?: BuildConfig;
  /** `GANTRY_PREVIEW_COLLECT_SECONDS`: how often the preview collector runs (one pass across all workers). Default 300 s. */
  readonly previewCollectEveryMs?: number;
  /** `GANTRY_PLAN_CONCURRENCY`: plan jobs this process runs at once. Default 4 (worker/compose.ts). */
  readonly planConcurrency?: number;
}

/**
 * How images are built: `GANTRY_BUILDER=local` (buildah → an OCI registry, adapters/registry/ reads its own
 * variables) or `codebuild` (CodeBuild → ECR, adapters/aws/), with the stage's own settings.
 */
export type BuildConfig = (
  | { readonly builder: 'local'; readonly local: BuildahConfig }
  | { readonly builder: 'codebuild'; readonly codebuild: CodeBuildConfig }
) & {
  /** `GANTRY_BUILD_CONCURRENCY`: build jobs this process runs at once, independent of deploys. Default 2. */
  readonly concurrency: number;
  /** `GANTRY_BUILD_TIMEOUT_SECONDS`: a build running longer is stopped (BuildTimedOut). Default 1,800 s. */
  readonly timeoutMs: number;
};

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
  GANTRY_GITHUB_WRITE_INTERVAL_MS: optionalText.refine(
    (value) => value === undefined || (/^\d{1,5}$/.test(value) && Number(value) <= 60_000),
    {
      error:
        'must be a whole number of milliseconds from 0 to 60000, for example 1000 (0 for a GitHub without secondary rate limits)',
    },
  ),
  GANTRY_BUILDER: z
    .enum(['none', 'local', 'codebuild'], { error: 'must be none, local (buildah) or codebuild' })
    .default('none'),
  GANTRY_BUILD_CONCURRENCY: optionalText.refine((value) => value === undefined || /^[1-9]\d{0,2}$/.test(value), {
    error: 'must be a whole number from 1 to 999 (build jobs at once in this process)',
  }),
  GANTRY_BUILD_TIMEOUT_SECONDS: optionalText.refine((value) => value === undefined || /^[1-9]\d{0,5}$/.test(value), {
    error: 'must be a whole number of seconds, at least 1, for example 1800',
  }),
  GANTRY_PLAN_CONCURRENCY: optionalText.refine((value) => value === undefined || /^[1-9]\d{0,2}$/.test(value), {
    error: 'must be a whole number from 1 to 999 (plan jobs at once in this process)',
  }),
  GANTRY_PREVIEW_COLLECT_SECONDS: optionalText.refine((value) => value === undefined || /^[1-9]\d{0,5}$/.test(value), {
    error: 'must be a whole number of seconds, at least 1, for example 300',
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
  // Every problem at once: a first start should not reveal them one per attempt.
  const parsed = schema.safeParse(env);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  const github = githubAuth(env);
  if (!('type' in github)) problems.push(...github.problems);
  const kubeconfig = optionalText.parse(env['KUBECONFIG']);
  if (kubeconfig === undefined) problems.push(...defaultKubeconfigProblems(env));
  const build = parsed.success ? buildConfig(parsed.data, env) : {};
  if ('problems' in build) problems.push(...build.problems);
  if (!parsed.success || !('type' in github) || 'problems' in build || problems.length > 0)
    throw new WorkerConfigError(problems);
  const vars = parsed.data;
  return Object.freeze({
    redisUrl: vars.GANTRY_REDIS_URL,
    queuePrefix: vars.GANTRY_QUEUE_PREFIX,
    ...(kubeconfig !== undefined && { kubeconfig }),
    gitCacheDir: vars.GANTRY_GIT_CACHE ?? join(homedir(), '.cache', 'gantry', 'git'),
    github: {
      ...(vars.GANTRY_GITHUB_URL !== undefined && { baseUrl: vars.GANTRY_GITHUB_URL }),
      auth: github,
      ...(vars.GANTRY_GITHUB_WRITE_INTERVAL_MS !== undefined && {
        writeIntervalMs: Number(vars.GANTRY_GITHUB_WRITE_INTERVAL_MS),
      }),
    },
    logLevel: vars.GANTRY_LOG_LEVEL,
    previewCollectEveryMs: Number(vars.GANTRY_PREVIEW_COLLECT_SECONDS ?? '300') * 1000,
    ...(vars.GANTRY_PLAN_CONCURRENCY !== undefined && { planConcurrency: Number(vars.GANTRY_PLAN_CONCURRENCY) }),
    ...build,
  });
}

/** The build stage's settings, and the chosen builder's own (each builder reads and checks its variables). */
function buildConfig(
  vars: z.output<typeof schema>,
  env: NodeJS.ProcessEnv,
): { build?: BuildConfig } | { problems: readonly string[] } {
  if (vars.GANTRY_BUILDER === 'none') return {};
  const stage = {
    concurrency: Number(vars.GANTRY_BUILD_CONCURRENCY ?? '2'),
    timeoutMs: Number(vars.GANTRY_BUILD_TIMEOUT_SECONDS ?? '1800') * 1_000,
  };
  try {
    if (vars.GANTRY_BUILDER === 'local')
      return { build: { builder: 'local', local: readBuildahConfig(env), ...stage } };
    return { build: { builder: 'codebuild', codebuild: readCodeBuildConfig(env), ...stage } };
  } catch (error) {
    if (error instanceof BuildahConfigError || error instanceof CodeBuildConfigError)
      return { problems: error.problems.map((problem) => `GANTRY_BUILDER=${vars.GANTRY_BUILDER}: ${problem}`) };
    throw error;
  }
}

/** KUBECONFIG unset: the default lookup must find one, or the first deploy would fail instead of the start. */
function defaultKubeconfigProblems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadKubeConfig(undefined, env);
    return [];
  } catch (error) {
    if (error instanceof KubeconfigNotFoundError) return [`KUBECONFIG is not set, and ${error.message}`];
    return [`KUBECONFIG is not set, and the default kubeconfig could not be read: ${String(error)}`];
  }
}

/** The GitHub credentials, read from the raw variables so they are checked even when another variable is bad. */
function githubAuth(env: NodeJS.ProcessEnv): GitHubConfigInput['auth'] | { problems: string[] } {
  const value = (name: string) => optionalText.parse(env[name]);
  const token = value('GANTRY_GITHUB_TOKEN');
  const app = APP_VARIABLES.filter((name) => value(name) !== undefined);
  if (token !== undefined && app.length > 0)
    return { problems: [`GANTRY_GITHUB_TOKEN and ${app.join(', ')} are both set: set the token or the App, not both`] };
  if (token !== undefined) return { type: 'token', token };
  if (app.length === 0)
    return {
      problems: [
        'GANTRY_GITHUB_TOKEN is not set: set it to a token allowed to write statuses and checks, or set GANTRY_GITHUB_APP_ID, GANTRY_GITHUB_APP_PRIVATE_KEY and GANTRY_GITHUB_APP_INSTALLATION_ID',
      ],
    };
  const missing = APP_VARIABLES.filter((name) => value(name) === undefined);
  if (missing.length > 0)
    return {
      problems: missing.map((name) => `${name} is not set: a GitHub App needs all three GANTRY_GITHUB_APP_* variables`),
    };
  return {
    type: 'app',
    appId: value('GANTRY_GITHUB_APP_ID') ?? '',
    privateKey: value('GANTRY_GITHUB_APP_PRIVATE_KEY') ?? '',
    installationId: value('GANTRY_GITHUB_APP_INSTALLATION_ID') ?? '',
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
