import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { DiskFileSystem, KustomizeError, renderKustomization } from '../kustomize/index.js';
import type { CommandIo } from './command-io.js';

export const RENDER_USAGE = `Usage: gantry render DIR

Prints the manifests of the kustomization in DIR exactly as \`kustomize build DIR\` prints them.
Files are read from DIR's git repository only (or, outside a repository, from the current directory's tree):
paths and symlinks that lead outside it are refused.
`;

/**
 * The directory renders are confined to: the git work tree holding \`dir\`, else the working directory when it
 * holds \`dir\`. kustomize itself reads anywhere; gantry renders repositories, so a \`../../etc/passwd\` is refused.
 */
export function confinementRoot(dir: string, cwd: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return at;
    if (dirname(at) === at) break;
  }
  const inCwd = relative(cwd, dir);
  return inCwd.startsWith('..') || resolve(cwd, inCwd) !== dir ? undefined : cwd;
}

/**
 * \`gantry render DIR\`: exit code 0 with the YAML on stdout, or 1 with \`Error: ...\` on stderr and nothing on
 * stdout.
 */
export function runRender(args: readonly string[], io: CommandIo): number {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(RENDER_USAGE);
    return 0;
  }
  const [dirArg] = args;
  if (args.length !== 1 || dirArg === undefined) {
    io.stderr(`gantry render: expected exactly one directory\n\n${RENDER_USAGE}`);
    return 1;
  }
  const dir = resolve(io.cwd, dirArg);
  const root = confinementRoot(dir, resolve(io.cwd));
  if (root === undefined) {
    io.stderr(`Error: ${dirArg}: not inside a git repository or the current directory\n`);
    return 1;
  }
  try {
    const { yaml } = renderKustomization(new DiskFileSystem(root), relative(root, dir).split(sep).join('/'));
    io.stdout(yaml);
    return 0;
  } catch (error) {
    const message = error instanceof KustomizeError || error instanceof Error ? error.message : String(error);
    io.stderr(`Error: ${message}\n`);
    return 1;
  }
}
