// Starts the local platform once for the `platform` jest project (see jest.config.js), owned by the jest process:
// if jest dies or is interrupted, a watchdog stops every component.
//   GANTRY_REUSE_PLATFORM=1   use the platform that `npm run platform -- up` started (fast edit-test loop)
//   GANTRY_SKIP_PLATFORM=1    start nothing (only for tests that bring their own services)
//   GANTRY_PLATFORM_PARTS=redis,aws   start only these parts (a quicker loop while working on one area)
import { existsSync } from 'node:fs';
import { currentPlatformFile } from './paths.js';
import { ALL_PARTS, startPlatform, stateFileOf, type PlatformPart } from './platform.js';
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
  const parts = process.env.GANTRY_PLATFORM_PARTS?.split(',').map((p) => p.trim()) ?? [...ALL_PARTS];
  const unknown = parts.filter((p) => !ALL_PARTS.includes(p as PlatformPart));
  if (unknown.length) throw new Error(`GANTRY_PLATFORM_PARTS: unknown part(s) ${unknown.join(', ')}; known: ${ALL_PARTS.join(', ')}`);
  const state = await startPlatform({ ownerPid: process.pid, parts: parts as PlatformPart[] });
  globalThis.__GANTRY_PLATFORM__ = state;
  // Test workers are forked after global setup and inherit this.
  process.env.GANTRY_PLATFORM_STATE = stateFileOf(state.stateDir);
}
