import { Redis, type RedisOptions } from 'ioredis';

/**
 * What a connection is for.
 * - `producer`: the webhook and the stage code adding jobs. Fails fast: no offline queue (a command while
 *   disconnected rejects at once instead of waiting for a reconnect) and a command timeout (the webhook's short,
 *   so a Redis outage turns into an HTTP 503 within the sender's patience, never into a job stored "later"; the
 *   worker's longer, as a job can wait).
 * - `worker`: BullMQ workers. Blocking commands (`BZPOPMIN`) need `maxRetriesPerRequest: null` (BullMQ refuses
 *   a worker connection without it) and the offline queue, so workers ride out a Redis restart.
 */
export type RedisRole = 'producer' | 'worker';

/** Options of {@link createRedisClient}. */
export interface RedisClientOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  readonly url: string;
  readonly role: RedisRole;
  /** Producer only: how long one command may take before it is rejected. Default 1,000 ms. */
  readonly commandTimeoutMs?: number;
  /** Shown by `CLIENT LIST`, to tell connections apart when debugging. */
  readonly name?: string;
}

/** Reconnect quickly at first, then every 2 s, forever: a service outlives a Redis restart. */
function reconnectDelay(attempt: number): number {
  return Math.min(100 * attempt, 2_000);
}

/**
 * An ioredis client for BullMQ. BullMQ cannot load ioredis by itself from an ES module (it uses `require`), so
 * every queue and worker gets a client built here.
 *
 * The caller owns the client: close it with `quit()` after the queues and workers using it are closed. Errors
 * are emitted as `error` events; attach a listener (ioredis prints unhandled ones to the console).
 */
export function createRedisClient(options: RedisClientOptions): Redis {
  const common: RedisOptions = {
    connectionName: options.name,
    connectTimeout: 2_000,
    retryStrategy: reconnectDelay,
  };
  const role: RedisOptions =
    options.role === 'producer'
      ? { enableOfflineQueue: false, commandTimeout: options.commandTimeoutMs ?? 1_000, maxRetriesPerRequest: 1 }
      : { enableOfflineQueue: true, maxRetriesPerRequest: null };
  return new Redis(options.url, { ...common, ...role });
}
