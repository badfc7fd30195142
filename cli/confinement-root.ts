import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The repository a command works on for `dir`: the git work tree holding `dir`, else the working directory when it
 * holds `dir`; undefined otherwise. (`gantry render`, like `kustomize build`, reads anywhere and does not use this.)
 */
export function confinementRoot(dir: string, cwd: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return at;
    if (dirname(at) === at) break;
  }
  const inCwd = relative(cwd, dir);
  return inCwd.startsWith('..') || resolve(cwd, inCwd) !== dir ? undefined : cwd;
}
