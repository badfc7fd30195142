import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Raised when a tool the platform needs is not installed; says how to install it. */
export class MissingToolError extends Error {
  constructor(readonly tool: string, readonly install: string) {
    super(`${tool} is not installed. Install it with \`${install}\`, or run the README's setup command (scripts/setup.sh), which installs everything.`);
    this.name = 'MissingToolError';
  }
}

/** The absolute path of a command on PATH, or a MissingToolError naming how to install it. */
export async function requireCommand(name: string, install: string): Promise<string> {
  try {
    const { stdout } = await run('bash', ['-c', `command -v ${name}`]);
    const path = stdout.trim();
    if (path) return path;
  } catch {
    /* fall through */
  }
  throw new MissingToolError(name, install);
}

/** The path of an executable file, or a MissingToolError naming how to produce it. */
export function requireExecutable(path: string, tool: string, install: string): string {
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    throw new MissingToolError(`${tool} (${path})`, install);
  }
}

/** The path of a file that must exist, or a MissingToolError naming how to produce it. */
export function requireFile(path: string, tool: string, install: string): string {
  try {
    accessSync(path, constants.R_OK);
    return path;
  } catch {
    throw new MissingToolError(`${tool} (${path})`, install);
  }
}
