import { randomUUID } from 'node:crypto';
import { link, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long to wait for a mirror's lock and when to call a holder dead. */
export interface MirrorLockOptions {
  /** Give up waiting after this long. Default 10 minutes (a first fetch of a large repository is slow). */
  readonly timeoutMs?: number;
  /** A lock whose holder stopped refreshing it this long ago is stale. Default 2 minutes. */
  readonly staleMs?: number;
  readonly signal?: AbortSignal;
}

/** The lock could not be taken within `timeoutMs`. */
export class MirrorLockTimeout extends Error {
  override readonly name = 'MirrorLockTimeout';
  constructor(readonly lockPath: string, readonly holder: string) {
    super(`timed out waiting for ${lockPath} (held by ${holder})`);
  }
}

interface Holder {
  readonly token: string;
  readonly pid: number;
  readonly host: string;
}

/**
 * Runs `work` while holding `lockPath`, a file created with O_EXCL. Git takes its own locks only per ref
 * (`refs/heads/main.lock`, `packed-refs.lock`), so two `git fetch`es into one mirror fail or interleave; this lock
 * serializes them across processes. The holder refreshes the file's mtime while it works; a waiter breaks a lock
 * whose holder process is gone (same host) or that has not been refreshed for `staleMs` (a SIGKILLed worker).
 * `work` is told whether it had to wait for another holder, who may have done the same work meanwhile.
 */
export async function withMirrorLock<T>(
  lockPath: string,
  work: (lock: { readonly waited: boolean }) => Promise<T>,
  options: MirrorLockOptions = {},
): Promise<T> {
  const staleMs = options.staleMs ?? 120_000;
  const { holder, waited } = await acquire(lockPath, staleMs, options);
  const heartbeat = setInterval(() => void utimes(lockPath, new Date(), new Date()).catch(() => {}), staleMs / 4);
  heartbeat.unref();
  try {
    return await work({ waited });
  } finally {
    clearInterval(heartbeat);
    await release(lockPath, holder);
  }
}

async function acquire(
  lockPath: string,
  staleMs: number,
  options: MirrorLockOptions,
): Promise<{ readonly holder: Holder; readonly waited: boolean }> {
  const me: Holder = { token: randomUUID(), pid: process.pid, host: hostname() };
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  for (let wait = 10; ; wait = Math.min(wait * 2, 250)) {
    options.signal?.throwIfAborted();
    try {
      await writeFile(lockPath, JSON.stringify(me), { flag: 'wx' });
      return { holder: me, waited: wait > 10 };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = await readHolder(lockPath);
    if (await isStale(lockPath, current, staleMs)) {
      await breakLock(lockPath, current);
      continue;
    }
    if (Date.now() > deadline) throw new MirrorLockTimeout(lockPath, describe(current));
    await sleep(wait, undefined, { signal: options.signal });
  }
}

async function release(lockPath: string, me: Holder): Promise<void> {
  // Only remove our own lock: if it was broken as stale meanwhile, the file now belongs to someone else.
  const current = await readHolder(lockPath);
  if (current?.token === me.token) await unlink(lockPath).catch(() => {});
}

async function readHolder(lockPath: string): Promise<Holder | undefined> {
  try {
    return JSON.parse(await readFile(lockPath, 'utf8')) as Holder;
  } catch {
    // Missing (released meanwhile) or half-written (its creator is between open and write): look again soon.
    return undefined;
  }
}

/** A holder that is gone, or a lock nobody refreshed (also an empty file whose creator died before writing it). */
async function isStale(lockPath: string, holder: Holder | undefined, staleMs: number): Promise<boolean> {
  if (holder !== undefined && holder.host === hostname() && !isAlive(holder.pid)) return true;
  const info = await stat(lockPath).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > staleMs;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a stale lock. Renaming first makes breaking atomic: of two waiters that judged the same lock stale, one
 * renames it and the other gets ENOENT. If what we renamed is not the lock we judged (it was released and retaken
 * in between), we put it back with `link`, which, unlike `rename`, never replaces a lock taken meanwhile.
 */
async function breakLock(lockPath: string, stale: Holder | undefined): Promise<void> {
  const aside = `${lockPath}.${randomUUID()}.stale`;
  try {
    await rename(lockPath, aside);
  } catch {
    return;
  }
  const moved = await readHolder(aside);
  if (moved?.token !== stale?.token) await link(aside, lockPath).catch(() => {});
  await unlink(aside).catch(() => {});
}

function describe(holder: Holder | undefined): string {
  return holder === undefined ? 'unknown' : `pid ${holder.pid} on ${holder.host}`;
}
