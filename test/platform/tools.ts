import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Raised when a tool the platform needs is not installed; says how to install it. */
export class MissingToolError extends Error {
  constructor(readonly tool: string, readonly install: string) {
    super(`${tool} is not installed. Install it with \`${install}\`, or run the README's setup command (scripts/setup.sh), which installs everything.`);
    this.name = 'MissingToolError';
  }
}

/** The absolute path of a command on PATH, or a MissingToolError naming how to install it. */
export async function requireCommand(name: string, install: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not in this directory */
    }
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
