// The webhook service: `node --import tsx webhook/main.ts` (or `npm run webhook`). Configuration comes from the
// environment (see read-webhook-config.ts); logs are JSON lines on stdout. With GANTRY_WEBHOOK_WORKERS above 1 this
// process is a node:cluster primary that only supervises: its workers share the port and each serves deliveries
// as a single process does (its own Redis connection; every delivery is still stored before its 2xx).
import cluster from 'node:cluster';
import { pino, type Logger } from 'pino';
import { PipelineQueues } from '../adapters/queue/pipeline-queues.js';
import { queuePrefix } from '../adapters/queue/queue-names.js';
import { createRedisClient } from '../adapters/queue/redis-client.js';
import { readWebhookConfig, WebhookConfigError, type WebhookConfig } from './read-webhook-config.js';
import { createWebhookServer } from './server.js';
import { createWebhookHandler } from './webhook-handler.js';

/** GitHub waits 10 s for an answer; a request still running after that has lost its sender anyway. */
const DRAIN_MS = 10_000;

function readConfigOrExit(): WebhookConfig {
  try {
    return readWebhookConfig();
  } catch (error) {
    if (!(error instanceof WebhookConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

const config = readConfigOrExit();
// Redaction is a second line of defence: nothing is meant to log the secret in the first place.
const log = pino({ level: config.logLevel, base: { service: 'gantry-webhook', pid: process.pid }, redact: ['secret', '*.secret', 'config.secret'] });
const stop = config.workers > 1 && cluster.isPrimary ? supervise(config, log) : serve(config, log);
let stopping: Promise<void> | undefined;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    // Ctrl-C reaches a cluster's workers twice (the terminal's SIGINT, then the primary's SIGTERM): stop once.
    if (stopping) return;
    log.info({ signal }, 'shutting down: finishing requests in flight');
    stopping = stop();
    stopping.then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

/** One server process: listens, and returns how to stop it gracefully. */
function serve(config: WebhookConfig, log: Logger): () => Promise<void> {
  const redis = createRedisClient({ url: config.redisUrl, role: 'producer', name: 'gantry-webhook' });
  let redisDown = false;
  redis.on('error', (error: Error) => {
    // ioredis reports each failed reconnect; one line per outage is enough.
    if (!redisDown) log.warn({ err: { message: error.message } }, 'Redis unreachable; deliveries get 503 until it is back');
    redisDown = true;
  });
  redis.on('ready', () => {
    if (redisDown) log.info('Redis reachable again');
    redisDown = false;
  });
  const queues = new PipelineQueues({ connection: redis, prefix: queuePrefix(config.queuePrefix), log });
  const server = createWebhookServer(createWebhookHandler({ secret: config.secret, queue: queues, log }), log);
  server.listen(config.port, () => {
    const address = server.address();
    log.info({ port: typeof address === 'object' && address ? address.port : config.port, queuePrefix: config.queuePrefix }, 'listening');
  });
  return async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
    await queues.close();
    await redis.quit().catch(() => redis.disconnect());
  };
}

/**
 * The node:cluster primary: starts `config.workers` server processes, replaces one that dies (it logs why), and on
 * shutdown passes the signal on and waits for each to drain and exit.
 */
function supervise(config: WebhookConfig, log: Logger): () => Promise<void> {
  let stopping = false;
  const start = () => cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    log.error({ pid: worker.process.pid, code, signal }, 'webhook worker died; starting another');
    start();
  });
  for (let n = 0; n < config.workers; n++) start();
  log.info({ workers: config.workers }, 'started webhook workers');
  return async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
    const exited = workers.map((worker) => new Promise<void>((resolve) => (worker.isDead() ? resolve() : worker.once('exit', () => resolve()))));
    for (const worker of workers) worker.process.kill('SIGTERM');
    await Promise.race([Promise.all(exited), new Promise((resolve) => setTimeout(resolve, DRAIN_MS + 2_000).unref())]);
  };
}
