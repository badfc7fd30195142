import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { simpleGit } from 'simple-git';
import { GitFetchError, GitMirror } from '../../../adapters/git/index.js';
import { withMirrorLock } from '../../../adapters/git/mirror-lock.js';
import { createGitFixture, type GitFixture } from '../../platform/git-fixtures.js';

const run = promisify(execFile);
const CHILD = join(import.meta.dirname, 'fetch-in-child.ts');

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('GitMirror under concurrent fetches', () => {
  let origin: GitFixture;
  let cacheDir: string;
  let shas: string[];

  beforeEach(async () => {
    origin = await createGitFixture({ initialFiles: { 'README.md': 'base\n' } });
    shas = [];
    for (const branch of ['a', 'b', 'c']) {
      await origin.switchBranch(branch);
      shas.push(await origin.commitAndPush(`on ${branch}`, { [`${branch}.txt`]: `${branch}\n` }));
    }
    cacheDir = await mkdtemp(join(tmpdir(), 'gantry-mirrors-'));
  });
  afterEach(async () => {
    await origin.cleanup();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('serializes fetches from several processes and workers into one mirror, which stays intact', async () => {
    const children = shas.map((sha) =>
      run(process.execPath, ['--import', 'tsx', CHILD, cacheDir, origin.cloneUrl, sha], { cwd: process.cwd() }),
    );
    const inProcess = shas.map((sha) => new GitMirror({ cacheDir }).fetch(origin.cloneUrl, sha));

    const repos = await Promise.all(inProcess);
    await Promise.all(children);

    const gitDir = repos[0]!.gitDir;
    await expect(simpleGit(gitDir).raw(['fsck', '--strict', '--no-dangling'])).resolves.toBeDefined();
    const refs = await simpleGit(gitDir).raw(['for-each-ref', '--format=%(refname)']);
    expect(refs.split('\n').filter(Boolean).sort()).toEqual(['refs/heads/a', 'refs/heads/b', 'refs/heads/c', 'refs/heads/main']);
    expect((await readdir(cacheDir)).filter((name) => name.endsWith('.lock'))).toEqual([]);
  });

  it('breaks a lock left by a worker that died, and fetches', async () => {
    const mirror = new GitMirror({ cacheDir });
    await mkdir(cacheDir, { recursive: true });
    const lockPath = `${mirror.pathOf(origin.cloneUrl)}.lock`;
    await writeFile(lockPath, JSON.stringify({ token: 'dead', pid: await deadPid(), host: hostname() }));

    const repo = await mirror.fetch(origin.cloneUrl, shas[0]!, {});

    expect(await repo.hasCommit(shas[0]!)).toBe(true);
    expect(await readdir(cacheDir)).not.toContain(`${mirror.pathOf(origin.cloneUrl).split('/').pop()}.lock`);
  });

  it('clears ref locks a killed git process left in the mirror, which would block every later fetch', async () => {
    const mirror = new GitMirror({ cacheDir, retry: { attempts: 1 } });
    const repo = await mirror.fetch(origin.cloneUrl, shas[0]!);
    const leftover = join(repo.gitDir, 'refs', 'heads', 'main.lock');
    await writeFile(leftover, '');
    const aMinuteAgo = new Date(Date.now() - 60_000);
    await utimes(leftover, aMinuteAgo, aMinuteAgo);
    await origin.switchBranch('main');
    const next = await origin.commitAndPush('after the crash', { 'after.txt': 'x\n' });

    await expect(mirror.fetch(origin.cloneUrl, next)).resolves.toBeDefined();
    expect(await readdir(join(repo.gitDir, 'refs', 'heads'))).not.toContain('main.lock');
  });

  it('waits for a live holder of the lock, then fetches', async () => {
    const mirror = new GitMirror({ cacheDir });
    const lockPath = `${mirror.pathOf(origin.cloneUrl)}.lock`;
    let released = 0;
    const holder = withMirrorLock(lockPath, async () => {
      await new Promise((resolve) => setTimeout(resolve, 600));
      released = Date.now();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    await mirror.fetch(origin.cloneUrl, shas[1]!);
    const fetched = Date.now();
    await holder;

    expect(released).toBeGreaterThan(0);
    expect(fetched).toBeGreaterThanOrEqual(released);
  });

  it('gives up with a retryable lock-timeout error when the holder keeps the lock too long', async () => {
    const mirror = new GitMirror({ cacheDir, lockTimeoutMs: 200 });
    const lockPath = `${mirror.pathOf(origin.cloneUrl)}.lock`;
    let release = () => {};
    const holder = withMirrorLock(lockPath, () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50));

    const error = await mirror.fetch(origin.cloneUrl, shas[2]!).catch((e: unknown) => e);
    release();
    await holder;

    expect(error).toBeInstanceOf(GitFetchError);
    expect(error).toMatchObject({ code: 'lock-timeout', reason: 'GitFetchFailed', retryable: true });
  });
});
