import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../ports.js';
import { redisCommand } from '../probe.js';
import { startComponent, type ComponentRecord } from '../supervise.js';
import { requireCommand } from '../tools.js';

export interface RedisEndpoint {
  readonly url: string;
  readonly port: number;
}

/**
 * The real redis-server on its own loopback port and directory, never the machine's default 6379 instance.
 * AOF on (fsync every second), as a production BullMQ Redis would run, so "stored" means what it says.
 */
export async function startRedis(stateDir: string): Promise<{ record: ComponentRecord; endpoint: RedisEndpoint }> {
  const command = await requireCommand('redis-server', 'apt-get install redis-server');
  const dir = join(stateDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const record = await startComponent({
    name: 'redis',
    command,
    args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes',
      '--appendfsync', 'everysec', '--daemonize', 'no', '--protected-mode', 'yes', '--maxmemory-policy', 'noeviction'],
    logFile: join(stateDir, 'redis.log'),
    ports: [port],
    ready: async () => (await redisCommand(port, 'PING')) === '+PONG',
    readyTimeoutMs: 15_000,
  });
  return { record, endpoint: { url: `redis://127.0.0.1:${port}`, port } };
}
