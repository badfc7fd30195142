// The webhook service: `node --import tsx webhook/main.ts` (or `npm run webhook`). Configuration comes from the
// environment (see read-webhook-config.ts); logs are JSON lines on stdout.
import { pino } from 'pino';
import { PipelineQueues } from '../adapters/queue/pipeline-queues.js';
import { queuePrefix } from '../adapters/queue/queue-names.js';
import { createRedisClient } from '../adapters/queue/redis-client.js';
import { readWebhookConfig, WebhookConfigError, type WebhookConfig } from './read-webhook-config.js';
import { createWebhookServer } from './server.js';
import { createWebhookHandler } from './webhook-handler.js';

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
const log = pino({ level: config.logLevel, base: { service: 'gantry-webhook' }, redact: ['secret', '*.secret', 'config.secret'] });
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

async function shutdown(signal: string): Promise<void> {
  log.info({ signal }, 'shutting down: finishing requests in flight');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // GitHub waits 10 s for an answer; a request still running after that has lost its sender anyway.
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  await queues.close();
  await redis.quit().catch(() => redis.disconnect());
  log.info('stopped');
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
