import { Queue } from 'bullmq';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { PLAN_QUEUE, queuePrefix } from '../../../adapters/queue/queue-names.js';
import { createRedisClient } from '../../../adapters/queue/redis-client.js';
import { buildPushPayload, deliverWebhook } from '../../platform/github-emulator/index.js';
import { freePort, isListening } from '../../platform/ports.js';
import { ready, sha, waitFor } from '../queue/queue-test-kit.js';
import { SECRET, startWebhook, type RunningWebhook } from './webhook-test-kit.js';

const repository = { owner: 'octo-org', name: 'shop' };
const push = (n: number) => buildPushPayload({ repository, ref: 'refs/heads/main', before: sha(n - 1), after: sha(n) });

/** A redis-server of this test's own, so it can be stopped and started again on the same port and directory. */
class PrivateRedis {
  private process: ChildProcess | undefined;
  constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  async start(): Promise<void> {
    // AOF with fsync on every write: what Redis acknowledged survives the restart.
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], { stdio: 'ignore' });
    await waitFor('redis-server to listen', () => isListening(this.port));
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

describe('the webhook while Redis is down', () => {
  let dir: string;
  let redis: PrivateRedis;
  let client: Redis;
  let webhook: RunningWebhook;
  const prefix = queuePrefix('outage');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-outage-'));
    redis = new PrivateRedis(await freePort(), dir);
    await redis.start();
    client = createRedisClient({ url: `redis://127.0.0.1:${redis.port}`, role: 'producer' });
    client.on('error', () => undefined);
    await ready(client);
    webhook = await startWebhook(client, prefix);
  });
  afterAll(async () => {
    await webhook.close();
    client.disconnect();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 (stores nothing) while Redis is down and accepts the redelivery once it is back; nothing acknowledged is lost', async () => {
    const before = await deliverWebhook({ url: webhook.url, secret: SECRET, event: 'push', payload: push(2) });
    expect(before.status).toBe(202);

    await redis.stop();
    await waitFor('the client to notice', () => client.status !== 'ready');
    const refused = await deliverWebhook({ url: webhook.url, secret: SECRET, event: 'push', payload: push(3) });
    const readiness = await fetch(`${webhook.base}/readyz`);

    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toEqual({ error: 'the queue is unavailable; nothing was stored, redeliver later' });
    expect(readiness.status).toBe(503);

    await redis.start();
    await waitFor('readiness', async () => (await fetch(`${webhook.base}/readyz`)).status === 200);
    const redelivered = await deliverWebhook({ url: webhook.url, secret: SECRET, event: 'push', payload: push(3), deliveryId: refused.deliveryId });

    expect(redelivered.status).toBe(202);
    const plan = new Queue(PLAN_QUEUE, { connection: client, prefix });
    try {
      expect((await plan.getJobs(['wait'])).map((job) => job.id).sort()).toEqual([before.deliveryId, refused.deliveryId].sort());
    } finally {
      await plan.close();
    }
  });
});

describe('the webhook pointed at a Redis that never answered', () => {
  it('answers deliveries with 503 at once and /readyz with 503', async () => {
    const client = createRedisClient({ url: `redis://127.0.0.1:${await freePort()}`, role: 'producer' });
    client.on('error', () => undefined);
    const webhook = await startWebhook(client, queuePrefix('nowhere'));
    try {
      const started = Date.now();
      const answer = await deliverWebhook({ url: webhook.url, secret: SECRET, event: 'push', payload: push(5) });

      expect(answer.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect((await fetch(`${webhook.base}/readyz`)).status).toBe(503);
      expect((await fetch(`${webhook.base}/healthz`)).status).toBe(200);
    } finally {
      await webhook.close();
      client.disconnect();
    }
  });
});
