import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { dirname } from 'node:path';

/** What it takes to run one platform component as a child process. */
export interface ComponentSpec {
  /** Short name used in every message: `etcd`, `kube-apiserver`, ... */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** stdout and stderr go here; error messages point to it. */
  readonly logFile: string;
  /** Resolves true once the component serves. Polled until it does or the deadline passes. */
  readonly ready: () => Promise<boolean>;
  /** Default 30 s. */
  readonly readyTimeoutMs?: number;
  /** The loopback ports it listens on, recorded so `down` can prove none is left open. */
  readonly ports?: readonly number[];
}

/** A started component, as recorded in the platform's state file. */
export interface ComponentRecord {
  readonly name: string;
  readonly pid: number;
  readonly command: string;
  readonly logFile: string;
  readonly ports: readonly number[];
}

/** A component that failed to start: names the component, the command and the log to read. */
export class ComponentStartError extends Error {
  constructor(
    readonly component: string,
    readonly command: string,
    readonly logFile: string,
    problem: string,
  ) {
    super(`${component} ${problem}\n  command: ${command}\n  log: ${logFile}\n${tailOf(logFile)}`);
    this.name = 'ComponentStartError';
  }
}

function tailOf(logFile: string, lines = 15): string {
  try {
    const text = readFileSync(logFile, 'utf8').trimEnd();
    if (!text) return '  (the log is empty)';
    const tail = text.split('\n').slice(-lines);
    const hint = /address already in use|bind: address/i.test(text) ? '  hint: the port is taken by another process\n' : '';
    return `${hint}  last lines of the log:\n${tail.map((l) => `    ${l}`).join('\n')}`;
  } catch {
    return '  (no log was written)';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a component in its own process group (so stopping it also stops anything it spawns, and a terminal's
 * Ctrl-C reaches only the owner, whose watchdog then stops us in order) and waits until it is ready.
 * On failure the process is stopped before the error is thrown: nothing is left behind.
 */
export async function startComponent(spec: ComponentSpec): Promise<ComponentRecord> {
  const commandLine = [spec.command, ...spec.args].join(' ');
  const fd = openSync(spec.logFile, 'a');
  let child;
  try {
    child = spawn(spec.command, [...spec.args], {
      // Run inside the state directory by default, so sweepStrays can find a component even before it is recorded.
      cwd: spec.cwd ?? dirname(spec.logFile),
      env: spec.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  let exited: string | undefined;
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  child.once('exit', (code, signal) => (exited = signal ? `signal ${signal}` : `exit code ${code}`));
  child.unref();

  const deadline = Date.now() + (spec.readyTimeoutMs ?? 30_000);
  for (;;) {
    await sleep(100);
    if (spawnError) {
      const missing = (spawnError as NodeJS.ErrnoException).code === 'ENOENT';
      throw new ComponentStartError(spec.name, commandLine, spec.logFile,
        missing ? `could not start: ${spec.command} does not exist (run the README's setup command)` : `could not start: ${spawnError.message}`);
    }
    if (exited) throw new ComponentStartError(spec.name, commandLine, spec.logFile, `exited before it was ready (${exited})`);
    if (await spec.ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      await stopProcessGroup(child.pid!);
      throw new ComponentStartError(spec.name, commandLine, spec.logFile,
        `did not become ready within ${Math.round((spec.readyTimeoutMs ?? 30_000) / 1000)} s`);
    }
  }
  return { name: spec.name, pid: child.pid!, command: commandLine, logFile: spec.logFile, ports: spec.ports ?? [] };
}

/** True while a process with this pid exists (and is not a zombie we could reap). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie still answers kill(0); /proc tells the truth.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return true;
  }
}

/** SIGTERM to the whole process group, then SIGKILL after `graceMs`. Resolves when the leader is gone. */
export async function stopProcessGroup(pid: number, graceMs = 5_000): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try { process.kill(pid, sig); } catch { /* already gone */ }
    }
  };
  if (!isAlive(pid)) return;
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) {
    signal('SIGKILL');
    while (isAlive(pid)) await sleep(20);
  }
}

/** Polls `probe` until it resolves true; throws `what` after `timeoutMs`. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/**
 * Stops every process that belongs to a platform's state directory but may not be in its state file: one that was
 * being started when its owner died. A process belongs to it when its working directory is inside `stateDir` or
 * its command line names it. `spare` lists pids never to stop (the caller itself).
 */
export async function sweepStrays(stateDir: string, spare: readonly number[] = [process.pid]): Promise<number[]> {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (spare.includes(pid)) continue;
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cwd === stateDir || cwd.startsWith(`${stateDir}/`) || cmdline.includes(stateDir)) found.push(pid);
    } catch {
      /* gone, or not ours to read */
    }
  }
  await Promise.all(found.map((pid) => stopProcessGroup(pid)));
  return found;
}
