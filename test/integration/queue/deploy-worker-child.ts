// Run by resume-after-crash.test.ts as a separate process, to be killed with SIGKILL mid-job:
// `node --import tsx deploy-worker-child.ts <redisUrl> <prefix>`. Prints `step <name>` once each step is recorded.
import { pino } from 'pino';
import { DeployWorkerPool } from '../../../adapters/queue/deploy-worker-pool.js';
import { createRedisClient } from '../../../adapters/queue/redis-client.js';
import { FAST_RECOVERY, steppedDeploy } from './stepped-deploy.js';

const [url, prefix] = process.argv.slice(2);
if (url === undefined || prefix === undefined) throw new Error('usage: deploy-worker-child <redisUrl> <prefix>');
const connection = createRedisClient({ url, role: 'worker', name: 'crash-child' });
connection.on('error', () => undefined);
const processor = steppedDeploy(400, (step) => process.stdout.write(`step ${step}\n`));
const pool = new DeployWorkerPool({ connection, prefix, processor, log: pino({ level: 'silent' }), settings: FAST_RECOVERY, discoveryIntervalMs: 100 });
await pool.start();
process.stdout.write('ready\n');
