// Test helper: starts a partial platform owned by this process, echoes its progress lines (`log ...`), prints
// `state <file>` once started, then waits forever. lifecycle.test.ts kills this process with SIGKILL, after or
// during the start, and expects the watchdog to stop everything it started.
import { startPlatform, stateFileOf, type PlatformPart } from '../platform.js';

const parts = (process.argv[2] ?? 'redis,registry').split(',') as PlatformPart[];
const state = await startPlatform({ ownerPid: process.pid, parts, log: (line) => process.stdout.write(`log ${line}\n`) });
process.stdout.write(`state ${stateFileOf(state.stateDir)}\n`);
setInterval(() => undefined, 60_000);
