import { availableParallelism } from 'node:os';
import { z } from 'zod';

/** The webhook service's settings, read once from the environment. */
export interface WebhookConfig {
  /** `GANTRY_WEBHOOK_SECRET`: never log it. */
  readonly secret: string;
  /** `GANTRY_REDIS_URL`, default `redis://127.0.0.1:6379`. */
  readonly redisUrl: string;
  /** `PORT`, default 8080. */
  readonly port: number;
  /** `GANTRY_QUEUE_PREFIX`, default `gantry` (the queues then live under `{gantry}:`). */
  readonly queuePrefix: string;
  /** `GANTRY_LOG_LEVEL`, default `info`. */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * `GANTRY_WEBHOOK_WORKERS`: server processes sharing the port (node:cluster), a number or `auto` (one per CPU
   * the process may run on). Default 1: in a cluster, scale with replicas and CPU requests instead.
   */
  readonly workers: number;
}

/** The environment is not a usable configuration; the message lists every problem and how to fix it. */
export class WebhookConfigError extends Error {
  override readonly name = 'WebhookConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`the webhook's configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const schema = z.object({
  GANTRY_WEBHOOK_SECRET: z
    .string({ error: 'is required: set it to the secret entered in the GitHub webhook settings (Settings → Webhooks → Secret)' })
    .min(1, { error: 'is empty: set it to the secret entered in the GitHub webhook settings' }),
  GANTRY_REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine(isRedisUrl, { error: 'must be a redis:// or rediss:// URL, for example redis://redis.internal:6379' }),
  PORT: z
    .string()
    .default('8080')
    .refine((value) => /^\d{1,5}$/.test(value) && Number(value) <= 65_535, { error: 'must be a port number from 0 to 65535, for example 8080' })
    .transform(Number),
  GANTRY_QUEUE_PREFIX: z
    .string()
    .default('gantry')
    .refine((value) => /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(value), { error: 'must be letters, digits, "-" and "_", for example gantry (braces are added for Redis Cluster)' }),
  GANTRY_WEBHOOK_WORKERS: z
    .string()
    .default('1')
    .refine((value) => value === 'auto' || (/^\d{1,3}$/.test(value) && Number(value) >= 1 && Number(value) <= 256), {
      error: 'must be a number of processes from 1 to 256, or auto (one per CPU), for example 2',
    })
    .transform((value) => (value === 'auto' ? availableParallelism() : Number(value))),
  GANTRY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
});

function isRedisUrl(value: string): boolean {
  try {
    return ['redis:', 'rediss:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/**
 * Reads and checks the webhook's settings.
 *
 * @throws WebhookConfigError naming each variable at fault and what to set it to; values are never quoted (one of
 * them is a secret, and a Redis URL can carry a password)
 */
export function readWebhookConfig(env: NodeJS.ProcessEnv = process.env): WebhookConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new WebhookConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  const vars = parsed.data;
  return Object.freeze({
    secret: vars.GANTRY_WEBHOOK_SECRET,
    redisUrl: vars.GANTRY_REDIS_URL,
    port: vars.PORT,
    queuePrefix: vars.GANTRY_QUEUE_PREFIX,
    logLevel: vars.GANTRY_LOG_LEVEL,
    workers: vars.GANTRY_WEBHOOK_WORKERS,
  });
}
