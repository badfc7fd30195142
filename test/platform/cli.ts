// `npm run platform -- up|down|status`: the local platform from the command line (the demo and manual work).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { withTestImages } from './components/image-gate.js';
import { currentPlatformFile } from './paths.js';
import { releaseOwner, startPlatform, stopPlatform } from './platform.js';
import { readState, writeState, type PlatformState } from './state.js';
import { isAlive } from './supervise.js';
import { describePlatform } from './describe.js';

const usage = `usage: npm run platform -- <command>
  up [--foreground] [--test-images]
                      start Redis, the Kubernetes control plane with kwok nodes, moto, the OCI registry and the
                      GitHub emulator; print how to reach them. --foreground stops them all on Ctrl-C.
                      --test-images also lets nodes run the made-up images tests deploy unbuilt (for
                      GANTRY_REUSE_PLATFORM=1 test runs; the demo and manual work want the default).
  status              show what is running
  down                stop everything and remove the state directory`;

async function up(foreground: boolean, testImages: boolean): Promise<void> {
  const pointer = currentPlatformFile();
  if (existsSync(pointer)) {
    const running = readState(pointer);
    if (running.components.some((c) => isAlive(c.pid))) {
      throw new Error(
        `a platform is already running (state in ${running.stateDir}); run \`npm run platform -- down\` first`,
      );
    }
    rmSync(pointer, { force: true });
  }
  // Owned by this process while it starts, so a Ctrl-C or kill mid-start leaves nothing running (the watchdog stops
  // it). Without --foreground it is released to outlive us, but only once the pointer file lets `down` find it.
  const started = await startPlatform({
    ownerPid: process.pid,
    env: testImages ? withTestImages(process.env) : process.env,
  });
  const state = foreground ? started : { ...started, ownerPid: undefined };
  mkdirSync(dirname(pointer), { recursive: true });
  writeState(pointer, state);
  if (!foreground) releaseOwner(started);
  process.stdout.write(describePlatform(state));
  if (!foreground) return;
  process.stdout.write('\nRunning in the foreground: Ctrl-C stops everything.\n');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await down();
}

async function down(): Promise<void> {
  const pointer = currentPlatformFile();
  if (!existsSync(pointer)) {
    process.stdout.write('no platform is running\n');
    return;
  }
  const state = readState(pointer);
  await stopPlatform(state);
  rmSync(pointer, { force: true });
  // A test run's own state file lives in the state dir, which stopPlatform removed; nothing else to clean.
  process.stdout.write(`stopped ${state.components.length} component(s); removed ${state.stateDir}\n`);
}

function status(): void {
  const pointer = currentPlatformFile();
  if (!existsSync(pointer)) {
    process.stdout.write('no platform is running (start one with `npm run platform -- up`)\n');
    return;
  }
  const state: PlatformState = readState(pointer);
  process.stdout.write(describePlatform(state, (pid) => isAlive(pid)));
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'up') await up(rest.includes('--foreground'), rest.includes('--test-images'));
  else if (command === 'down') await down();
  else if (command === 'status') status();
  else {
    process.stderr.write(`${usage}\n`);
    process.exit(command ? 2 : 0);
  }
} catch (err) {
  process.stderr.write(`platform ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
