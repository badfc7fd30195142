// The platform a pipeline benchmark runs on: the running one GANTRY_PLATFORM_FILE names (left running), or one of
// its own with redis, Kubernetes and the GitHub emulator, stopped by `stop()`.
import { startPlatform, stateFileOf, stopPlatform } from '../test/platform/platform.js';

export interface BenchPlatform {
  /** True when the run uses a platform it did not start (the figures share it with whatever else runs on it). */
  readonly shared: boolean;
  stop(): Promise<void>;
}

/** Points the test kits (GANTRY_PLATFORM_STATE) at the platform. */
export async function benchPlatform(): Promise<BenchPlatform> {
  const file = process.env.GANTRY_PLATFORM_FILE;
  const platform = file
    ? undefined
    : await startPlatform({
        parts: ['redis', 'kubernetes', 'github'],
        ownerPid: process.pid,
        log: (line) => process.stderr.write(`[platform] ${line}\n`),
      });
  process.env.GANTRY_PLATFORM_STATE = file ?? stateFileOf(platform!.stateDir);
  return { shared: platform === undefined, stop: async () => (platform ? stopPlatform(platform) : undefined) };
}
