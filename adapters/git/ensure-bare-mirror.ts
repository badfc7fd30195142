import { randomUUID } from 'node:crypto';
import { rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GitReadError } from './errors.js';
import { gitAt, gitErrorText, gitIn } from './git-client.js';

/**
 * Makes `gitDir` a usable bare repository, creating it when missing and replacing it when a crash left it half
 * made. Call only while holding the mirror's lock. Creation happens in a temporary sibling renamed into place, so
 * the mirror path is either absent or a complete repository. Resolves to `created` when it made the mirror (anew).
 */
export async function ensureBareMirror(gitDir: string, signal?: AbortSignal): Promise<'existing' | 'created'> {
  if (await isBareRepository(gitDir, signal)) return 'existing';
  await rm(gitDir, { recursive: true, force: true });
  const scratch = join(dirname(gitDir), `.${basename(gitDir)}.${randomUUID()}.tmp`);
  try {
    await gitIn(dirname(gitDir), { signal }).raw(['init', '--bare', '--quiet', scratch]);
    // Let automatic gc run in the foreground, inside our lock, rather than detached alongside the next fetch.
    await gitAt(scratch, { signal }).raw(['config', 'gc.autoDetach', 'false']);
    await rename(scratch, gitDir);
    return 'created';
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    signal?.throwIfAborted();
    throw new GitReadError('git-failed', `could not create the mirror ${gitDir}: ${gitErrorText(error)}`, { cause: error });
  }
}

async function isBareRepository(gitDir: string, signal?: AbortSignal): Promise<boolean> {
  const head = await stat(join(gitDir, 'HEAD')).catch(() => undefined);
  if (head === undefined) return false;
  try {
    return (await gitAt(gitDir, { signal }).raw(['rev-parse', '--is-bare-repository'])).trim() === 'true';
  } catch {
    signal?.throwIfAborted();
    return false;
  }
}
