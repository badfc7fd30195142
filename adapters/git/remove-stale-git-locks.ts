import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Git holds a ref's `.lock` file only for the instant it rewrites the ref; one older than this was left by a git
 * process that died (a SIGKILLed worker's child) and would make every later fetch fail with "cannot lock ref".
 */
export const STALE_GIT_LOCK_MS = 10_000;

/**
 * Removes git's own lock files (`refs/**\/*.lock`, `packed-refs.lock`, `shallow.lock`, `config.lock`, ...) older than
 * `olderThanMs` from a bare repository. Call only while holding the mirror lock: no live fetch of ours can own them.
 * @returns the paths removed, relative to `gitDir`
 */
export async function removeStaleGitLocks(gitDir: string, olderThanMs = STALE_GIT_LOCK_MS, now = Date.now()): Promise<string[]> {
  const candidates = [...(await lockFilesIn(gitDir, '', false)), ...(await lockFilesIn(gitDir, 'refs', true))];
  const removed: string[] = [];
  for (const relative of candidates) {
    const info = await stat(join(gitDir, relative)).catch(() => undefined);
    if (info === undefined || now - info.mtimeMs < olderThanMs) continue;
    await rm(join(gitDir, relative), { force: true });
    removed.push(relative);
  }
  return removed;
}

async function lockFilesIn(gitDir: string, dir: string, recursive: boolean): Promise<string[]> {
  const entries = await readdir(join(gitDir, dir), { withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isFile() && entry.name.endsWith('.lock')) found.push(relative);
    else if (recursive && entry.isDirectory()) found.push(...(await lockFilesIn(gitDir, relative, true)));
  }
  return found;
}
