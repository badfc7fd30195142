// Test helper: starts a partial platform owned by this process, prints its state file, then waits forever.
// lifecycle.test.ts kills this process with SIGKILL and expects the watchdog to stop what it started.
import { startPlatform, stateFileOf, type PlatformPart } from '../platform.js';

const parts = (process.argv[2] ?? 'redis,registry').split(',') as PlatformPart[];
const state = await startPlatform({ ownerPid: process.pid, parts, log: () => undefined });
process.stdout.write(`${stateFileOf(state.stateDir)}\n`);
setInterval(() => undefined, 60_000);
