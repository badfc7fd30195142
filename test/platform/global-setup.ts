// Starts the local platform once for the `platform` jest project (see jest.config.js), owned by the jest process:
// if jest dies or is interrupted, a watchdog stops every component.
//   GANTRY_REUSE_PLATFORM=1   use the platform that `npm run platform -- up` started (fast edit-test loop)
//   GANTRY_SKIP_PLATFORM=1    start nothing (only for tests that bring their own services)
//   GANTRY_PLATFORM_PARTS=redis,aws   start only these parts (a quicker loop while working on one area)
// Nodes are strict about images; the test run's platform also allows the made-up images tests deploy unbuilt
// (TEST_IMAGE_ALLOWLIST), and a reused one must have been started so (`npm run platform -- up --test-images`).
import { existsSync } from 'node:fs';
import { TEST_IMAGE_ALLOWLIST, withTestImages } from './components/image-gate.js';
import { currentPlatformFile } from './paths.js';
import { ALL_PARTS, startPlatform, stateFileOf, type PlatformPart } from './platform.js';
import { readState, type PlatformState } from './state.js';

declare global {
  var __GANTRY_PLATFORM__: PlatformState | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.GANTRY_SKIP_PLATFORM === '1') return;
  const pointer = currentPlatformFile();
  if (process.env.GANTRY_REUSE_PLATFORM === '1') {
    if (!existsSync(pointer))
      throw new Error('GANTRY_REUSE_PLATFORM=1 but no platform is running: start one with `npm run platform -- up`');
    const { imageAllowlist } = readState(pointer);
    const lacking = TEST_IMAGE_ALLOWLIST.filter((prefix) => imageAllowlist && !imageAllowlist.includes(prefix));
    if (lacking.length)
      throw new Error(
        `GANTRY_REUSE_PLATFORM=1: the running platform is strict about images but does not allow ${lacking.join(', ')}, which tests deploy unbuilt: restart it with \`npm run platform -- up --test-images\``,
      );
    process.env.GANTRY_PLATFORM_STATE = pointer;
    return;
  }
  process.stderr.write('\n');
  const parts = process.env.GANTRY_PLATFORM_PARTS?.split(',').map((p) => p.trim()) ?? [...ALL_PARTS];
  const unknown = parts.filter((p) => !ALL_PARTS.includes(p as PlatformPart));
  if (unknown.length)
    throw new Error(`GANTRY_PLATFORM_PARTS: unknown part(s) ${unknown.join(', ')}; known: ${ALL_PARTS.join(', ')}`);
  const state = await startPlatform({
    ownerPid: process.pid,
    parts: parts as PlatformPart[],
    env: withTestImages(process.env),
  });
  globalThis.__GANTRY_PLATFORM__ = state;
  // Test workers are forked after global setup and inherit this.
  process.env.GANTRY_PLATFORM_STATE = stateFileOf(state.stateDir);
}
