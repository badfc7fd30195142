// The webhook service as its own process, started the way `npm run webhook` starts it, for bench/webhook-ingest.ts.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { freePort } from '../test/platform/ports.js';
import { REPO_ROOT } from '../test/platform/paths.js';

/** A running webhook process. */
export interface WebhookProcess {
  readonly pid: number;
  readonly port: number;
  /** SIGTERM, then waits for the graceful shutdown (and the CPU profile, if one was asked for). */
  stop(): Promise<void>;
}

export interface WebhookProcessOptions {
  readonly redisUrl: string;
  readonly secret: string;
  /** GANTRY_QUEUE_PREFIX: each run its own queues. */
  readonly namespace: string;
  /** Where its JSON log lines go. */
  readonly logFile: string;
  /** GANTRY_WEBHOOK_WORKERS: `1`, a count, or `auto`. */
  readonly workers: string;
  /** When set, runs under `node --cpu-prof` and writes the profile here on exit. */
  readonly profileDir?: string;
}

/** Starts `node --import tsx webhook/main.ts` on a free loopback port and waits until /readyz answers 200. */
export async function startWebhookProcess(options: WebhookProcessOptions): Promise<WebhookProcess> {
  const port = await freePort();
  const log = openSync(options.logFile, 'a');
  const profiling = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
  const child = spawn(process.execPath, [...profiling, '--import', 'tsx', 'webhook/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      GANTRY_WEBHOOK_SECRET: options.secret,
      GANTRY_REDIS_URL: options.redisUrl,
      GANTRY_QUEUE_PREFIX: options.namespace,
      GANTRY_LOG_LEVEL: 'info',
      PORT: String(port),
      GANTRY_WEBHOOK_WORKERS: options.workers,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `the webhook did not become ready on port ${port} (exit code ${child.exitCode}); see ${options.logFile}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    pid: child.pid!,
    port,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
