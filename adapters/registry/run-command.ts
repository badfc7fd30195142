// Runs one command (buildah, tar) as its own process group, so that a timeout or an abort stops it and everything
// it started (buildah's RUN steps run as its children), and keeps the end of its output for error messages.
import { spawn } from 'node:child_process';

/** How a command ended. `output` is the end of stdout and stderr as they interleaved (the last `keepBytes`). */
export interface CommandResult {
  readonly code: number | null;
  readonly output: string;
  /** Set when the command was stopped: by its timeout, or by the caller's signal. */
  readonly stopped?: 'timeout' | 'aborted';
}

export interface CommandOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Written to stdin, which is then closed. */
  readonly input?: Buffer;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** How much of the output's end to keep. Default 64 KiB. */
  readonly keepBytes?: number;
  /** Each chunk of output as it comes (progress logs). */
  readonly onOutput?: (chunk: string) => void;
}

/** Grace between SIGTERM and SIGKILL when stopping a command. */
const STOP_GRACE_MS = 3_000;

/** Runs `command args…` to its end; never rejects for a non-zero exit (see `code`), only when it cannot start. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  const keep = options.keepBytes ?? 65_536;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ code: null, output: '', stopped: 'aborted' });
      return;
    }
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      detached: true,
      stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stopped: CommandResult['stopped'];
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      options.onOutput?.(text);
      output = (output + text).slice(-keep);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: 'timeout' | 'aborted') => {
      if (stopped || child.exitCode !== null || child.pid === undefined) return;
      stopped = why;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => child.pid !== undefined && signalGroup(child.pid, 'SIGKILL'), STOP_GRACE_MS);
    };
    const timer = options.timeoutMs ? setTimeout(() => stop('timeout'), options.timeoutMs) : undefined;
    const onAbort = () => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(new Error(`${command}: could not start (${err.message})`, { cause: err }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ code, output, ...(stopped && { stopped }) });
    });
    if (options.input && child.stdin) {
      // EPIPE when the command exits before reading everything (tar refusing an archive): its exit code says why.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** The last `lines` lines of a command's output, for a log tail in a report. */
export function lastLines(output: string, lines = 30): string {
  return output.trimEnd().split('\n').slice(-lines).join('\n');
}
