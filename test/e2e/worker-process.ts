// A worker in a process of its own, for the tests that kill one with SIGKILL (killed-worker*.test.ts): the process
// (worker-child.ts) and the timings it runs with, which a surviving in-process worker uses too, so either recovers
// a killed worker's job within seconds.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pino } from 'pino';
import type { WorkerOverrides } from '../../worker/compose.js';
import type { WorkerConfig } from '../../worker/read-worker-config.js';

const CHILD = join(import.meta.dirname, 'worker-child.ts');
const ROOT = join(import.meta.dirname, '..', '..');

/** The e2e pipeline's short lock, backoff and health-polling timings, logging at GANTRY_E2E_LOG (default silent). */
export function e2eWorkerOverrides(): WorkerOverrides {
  return {
    log: pino({ level: process.env['GANTRY_E2E_LOG'] ?? 'silent' }),
    settings: { lockDurationMs: 10_000, stalledIntervalMs: 2_000 },
    jobOptions: {
      deploy: { backoff: { type: 'fixed', delay: 200 } },
      report: { backoff: { type: 'fixed', delay: 200 } },
    },
    healthPolling: { initialMs: 200, maxMs: 1_000 },
  };
}

/** Starts worker-child.ts with `config` and collects what it prints (`ready` once its queue workers run). */
export function startWorkerProcess(config: WorkerConfig): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: { ...process.env, GANTRY_E2E_WORKER_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}
