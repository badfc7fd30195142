// Run by killed-worker.test.ts as a separate process, to be killed with SIGKILL mid-apply:
// `node --import tsx test/e2e/worker-child.ts`, its configuration as JSON in GANTRY_E2E_WORKER_CONFIG (a
// WorkerConfig). Runs the real composition root with the e2e pipeline's short lock and backoff timings, so another
// worker recovers the job within seconds. Prints `ready` once its queue workers are started.
import { startWorker } from '../../worker/compose.js';
import type { WorkerConfig } from '../../worker/read-worker-config.js';
import { e2eWorkerOverrides } from './worker-process.js';

const raw = process.env['GANTRY_E2E_WORKER_CONFIG'];
if (raw === undefined) throw new Error('worker-child: GANTRY_E2E_WORKER_CONFIG is not set');
const config = JSON.parse(raw) as WorkerConfig;
await startWorker(config, e2eWorkerOverrides());
process.stdout.write('ready\n');
