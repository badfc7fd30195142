// Stops a platform whose owner (a test run, or `platform up` while it starts) has gone away without stopping it:
// killed, crashed or interrupted. Usage: watchdog.ts <ownerPid> <stateFile> <stateDir>. Exits by itself once the
// platform is stopped or gone, or once the owner released it (releaseOwner: the state file names no owner).
import { existsSync } from 'node:fs';
import { stopPlatform } from './platform.js';
import { readState } from './state.js';
import { isAlive, sweepStrays } from './supervise.js';

const [ownerArg, stateFile, stateDir] = process.argv.slice(2);
const ownerPid = Number(ownerArg);
if (!Number.isInteger(ownerPid) || !stateFile || !stateDir) {
  process.stderr.write('usage: watchdog.ts <ownerPid> <stateFile> <stateDir>\n');
  process.exit(2);
}

const timer = setInterval(() => {
  if (!existsSync(stateFile)) {
    clearInterval(timer); // stopped normally
    return;
  }
  // Checked before the owner: a `platform up` that released the platform exits right after, and that is no loss.
  if (ownerOf(stateFile) !== ownerPid) {
    clearInterval(timer);
    return;
  }
  if (isAlive(ownerPid)) return;
  clearInterval(timer);
  // A component that was starting when the owner died is not in the state file yet: sweep for it first.
  void sweepStrays(stateDir, [process.pid])
    .then(() => stopPlatform(readState(stateFile)))
    .catch((err: unknown) => {
      process.stderr.write(`watchdog: ${String(err)}\n`);
      process.exitCode = 1;
    });
}, 500);

function ownerOf(file: string): number | undefined {
  try {
    return readState(file).ownerPid;
  } catch {
    return ownerPid; // unreadable for a moment: keep watching
  }
}
