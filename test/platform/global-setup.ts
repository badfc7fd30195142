// Starts the local platform once for the `platform` jest project (see jest.config.js), owned by the jest process:
// if jest dies or is interrupted, a watchdog stops every component.
//   GANTRY_REUSE_PLATFORM=1   use the platform that `npm run platform -- up` started (fast edit-test loop)
//   GANTRY_SKIP_PLATFORM=1    start nothing (only for tests that bring their own services)
import { existsSync } from 'node:fs';
import { currentPlatformFile } from './paths.js';
import { startPlatform, stateFileOf } from './platform.js';
import type { PlatformState } from './state.js';

declare global {
  var __GANTRY_PLATFORM__: PlatformState | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.GANTRY_SKIP_PLATFORM === '1') return;
  const pointer = currentPlatformFile();
  if (process.env.GANTRY_REUSE_PLATFORM === '1') {
    if (!existsSync(pointer)) throw new Error('GANTRY_REUSE_PLATFORM=1 but no platform is running: start one with `npm run platform -- up`');
    process.env.GANTRY_PLATFORM_STATE = pointer;
    return;
  }
  process.stderr.write('\n');
  const state = await startPlatform({ ownerPid: process.pid });
  globalThis.__GANTRY_PLATFORM__ = state;
  // Test workers are forked after global setup and inherit this.
  process.env.GANTRY_PLATFORM_STATE = stateFileOf(state.stateDir);
}
