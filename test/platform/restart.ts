// Fault injection for tests: stops one component of the running platform and starts it again with the same
// command line, log and ports (an apiserver restart, as a control-plane upgrade or crash does it), and records the
// new pid so `platform down` still stops it. Only on a platform a test run owns (the jest global setup started
// it) or one marked GANTRY_PLATFORM_RESTARTABLE=1 (an engineer's own `platform up`): never a shared one.
import { isListening } from './ports.js';
import { readState, writeState } from './state.js';
import { startComponent, stopProcessGroup } from './supervise.js';

/** The platform's state file, when its components may be restarted; throws saying why not otherwise. */
export function restartablePlatform(): string {
  const file = process.env.GANTRY_PLATFORM_STATE;
  if (!file) throw new Error('no local platform to restart a component of (GANTRY_PLATFORM_STATE is unset)');
  if (readState(file).ownerPid === undefined && process.env.GANTRY_PLATFORM_RESTARTABLE !== '1')
    throw new Error(
      `refusing to restart a component of a platform this test run did not start (${file}): others may be using it. ` +
        'Run this test on a platform of its own (without GANTRY_REUSE_PLATFORM), or on your own `platform up` with GANTRY_PLATFORM_RESTARTABLE=1',
    );
  return file;
}

/** Stops `name` and starts it again; resolves once it listens on its ports again. */
export async function restartComponent(name: string): Promise<void> {
  const file = restartablePlatform();
  const state = readState(file);
  const record = state.components.find((component) => component.name === name);
  if (record === undefined) throw new Error(`the platform has no component ${name}`);
  await stopProcessGroup(record.pid);
  // Recorded as one line; no argument of the platform's components contains a space.
  const [command, ...args] = record.command.split(' ').filter((part) => part !== '');
  const restarted = await startComponent({
    name,
    command: command as string,
    args,
    logFile: record.logFile,
    ports: record.ports,
    ready: async () => (await Promise.all(record.ports.map((port) => isListening(port)))).every(Boolean),
    readyTimeoutMs: 60_000,
  });
  const now = readState(file);
  writeState(file, {
    ...now,
    components: now.components.map((component) => (component.name === name ? restarted : component)),
  });
}
