// Run by build-killed-worker.test.ts as a separate process, to be killed with SIGKILL mid-build:
// `node --import tsx build-worker-child.ts <redisUrl> <prefix>`. Prints `building <tag>` when a build starts, then
// never finishes it (the build a killed worker leaves behind).
import { pino } from 'pino';
import { BuildGate } from '../../../adapters/queue/build-gate.js';
import { createRedisClient } from '../../../adapters/queue/redis-client.js';
import { createBuildWorker } from '../../../adapters/queue/stage-workers.js';
import { FAST_RECOVERY } from './stepped-deploy.js';

const [url, prefix] = process.argv.slice(2);
if (url === undefined || prefix === undefined) throw new Error('usage: build-worker-child <redisUrl> <prefix>');
const connection = createRedisClient({ url, role: 'worker', name: 'build-crash-child' });
connection.on('error', () => undefined);
const gate = new BuildGate(connection, prefix);
createBuildWorker({
  connection,
  prefix,
  gate,
  log: pino({ level: 'silent' }),
  settings: FAST_RECOVERY,
  processor: async (job) => {
    process.stdout.write(`building ${job.tag}\n`);
    return new Promise<never>(() => undefined);
  },
});
process.stdout.write('ready\n');
