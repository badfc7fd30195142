// The worker service: `node --import tsx worker/main.ts` (or `npm run worker`). Configuration comes from the
// environment (see read-worker-config.ts); logs are JSON lines on stdout.
import { startWorker } from './compose.js';
import { readWorkerConfig, WorkerConfigError, type WorkerConfig } from './read-worker-config.js';

function readConfigOrExit(): WorkerConfig {
  try {
    return readWorkerConfig();
  } catch (error) {
    if (!(error instanceof WorkerConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}

const worker = await startWorker(readConfigOrExit());

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    worker.log.info({ signal }, 'shutting down: no new jobs; waiting for the active ones to finish');
    // A second signal (or the orchestrator's SIGKILL) stops at once: BullMQ's stalled-job check hands the job to
    // another worker, which resumes it from its recorded progress.
    process.once(signal, () => process.exit(1));
    worker.close().then(
      () => process.exit(0),
      (error: unknown) => {
        worker.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
