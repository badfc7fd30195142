// Shared by the queue and webhook integration tests: clients on the platform's Redis, a prefix per test file,
// deploy requests, and polling.
import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { createRedisClient } from '../../../adapters/queue/redis-client.js';
import { queuePrefix } from '../../../adapters/queue/queue-names.js';
import type { DeployRequest } from '../../../core/deploy/deploy-request.js';
import { need, uniqueName } from '../../platform/connect.js';

/** Logs go nowhere unless GANTRY_TEST_LOG=debug (or another pino level) is set. */
export function testLogger(): Logger {
  return pino({ level: process.env.GANTRY_TEST_LOG ?? 'silent' });
}

/** A producer and a worker client on the platform's Redis, and a prefix of their own (`{queue-ab12cd}`). */
export interface RedisKit {
  readonly url: string;
  readonly prefix: string;
  readonly producer: Redis;
  readonly worker: Redis;
  /** Deletes every key under the prefix and closes both clients. */
  cleanup(): Promise<void>;
}

export async function openRedisKit(name: string): Promise<RedisKit> {
  const url = need('redis').url;
  const prefix = queuePrefix(uniqueName(name));
  const producer = createRedisClient({ url, role: 'producer', name: `${name}-producer` });
  const worker = createRedisClient({ url, role: 'worker', name: `${name}-worker` });
  producer.on('error', () => undefined);
  worker.on('error', () => undefined);
  await Promise.all([ready(producer), ready(worker)]);
  return {
    url,
    prefix,
    producer,
    worker,
    async cleanup() {
      await deletePrefix(worker, prefix);
      await Promise.all([producer.quit(), worker.quit()]);
    },
  };
}

/** Resolves once the client is connected. */
export function ready(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => client.once('ready', () => resolve()));
}

async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/** A 40-hex commit id derived from a number, readable in failures: `sha(3)` = `000…03`. */
export function sha(n: number): string {
  return n.toString(16).padStart(40, '0');
}

/** A push deployment of `environment` to commit `sha(n)`. */
export function pushRequest(environment: string, n: number, overrides: Partial<DeployRequest> = {}): DeployRequest {
  return {
    deliveryId: `delivery-${n}`,
    repo: { owner: 'octo-org', name: 'shop', cloneUrl: 'https://github.com/octo-org/shop.git' },
    ref: 'refs/heads/main',
    sha: sha(n),
    before: sha(n - 1),
    trigger: { kind: 'push' },
    environment,
    mode: 'apply',
    target: { kind: 'environment' },
    requestedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** A pull request's dry-run diff of `environment` (each pull request is its own lane). */
export function diffRequest(environment: string, pullRequest: number): DeployRequest {
  return pushRequest(environment, 1000 + pullRequest, {
    ref: `refs/pull/${pullRequest}/head`,
    mode: 'dry-run',
    trigger: { kind: 'pull_request', number: pullRequest, headSha: sha(1000 + pullRequest), baseRef: 'main', headRef: `feature-${pullRequest}`, fromFork: false },
  });
}

/** Polls `check` every 50 ms until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
