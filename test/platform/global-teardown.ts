import { existsSync } from 'node:fs';
import { stopPlatform, stateFileOf } from './platform.js';
import { readState } from './state.js';

export default async function globalTeardown(): Promise<void> {
  const started = globalThis.__GANTRY_PLATFORM__;
  if (!started) return;
  // The state file, not the setup's copy: a test that restarted a component (test/platform/restart.ts) recorded its
  // new pid there, and stopping the old pid would leave the restarted process running after the run.
  const file = stateFileOf(started.stateDir);
  const state = existsSync(file) ? readState(file) : started;
  await stopPlatform(state, { keepState: process.env.GANTRY_KEEP_PLATFORM_LOGS === '1' });
  globalThis.__GANTRY_PLATFORM__ = undefined;
}
