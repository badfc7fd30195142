import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { GitFetchError, GitMirror, GitReadError, UnknownCommitError } from '../../../adapters/git/index.js';
import { createGitFixture, type GitFixture } from '../../platform/git-fixtures.js';

describe('GitMirror.fetch', () => {
  let origin: GitFixture;
  let cacheDir: string;

  beforeEach(async () => {
    origin = await createGitFixture({ initialFiles: { 'README.md': '# sample\n' } });
    cacheDir = await mkdtemp(join(tmpdir(), 'gantry-mirrors-'));
  });
  afterEach(async () => {
    await origin.cleanup();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('creates one bare mirror named from the URL and makes the pushed commit readable', async () => {
    const sha = await origin.headSha();
    const repo = await new GitMirror({ cacheDir }).fetch(origin.cloneUrl, sha);

    expect(await readdir(cacheDir)).toEqual([expect.stringMatching(/^[A-Za-z0-9._-]+\.git$/)]);
    expect((await simpleGit(repo.gitDir).raw(['rev-parse', '--is-bare-repository'])).trim()).toBe('true');
    expect(new TextDecoder().decode(await repo.readFile(sha, 'README.md'))).toBe('# sample\n');
  });

  it('fetches new commits into the existing mirror instead of cloning again', async () => {
    const mirror = new GitMirror({ cacheDir });
    const first = await mirror.fetch(origin.cloneUrl, await origin.headSha());
    // A file git never writes: it survives only if the mirror directory is kept and updated in place.
    const marker = join(first.gitDir, 'gantry-test-marker');
    await writeFile(marker, 'still here');

    const next = await origin.commitAndPush('second', { 'a.txt': 'a\n' });
    const second = await mirror.fetch(origin.cloneUrl, next);

    expect(second.gitDir).toBe(first.gitDir);
    expect(await stat(marker)).toBeTruthy();
    expect(await second.hasCommit(next)).toBe(true);
  });

  it('does not contact the remote when the commit is already in the mirror', async () => {
    const mirror = new GitMirror({ cacheDir });
    const sha = await origin.headSha();
    await mirror.fetch(origin.cloneUrl, sha);
    // With the origin gone, any fetch would fail: success proves the cached commit was used.
    await rm(origin.originDir, { recursive: true, force: true });

    await expect(mirror.fetch(origin.cloneUrl, sha)).resolves.toBeDefined();
  });

  it('given the ref a push names, fetches that ref alone', async () => {
    await origin.switchBranch('feature');
    await origin.commitAndPush('feature work', { 'f.txt': 'f\n' });
    await origin.switchBranch('main');
    const onMain = await origin.commitAndPush('main work', { 'm.txt': 'm\n' });

    const repo = await new GitMirror({ cacheDir }).fetch(origin.cloneUrl, onMain, { ref: 'refs/heads/main' });

    expect(await repo.hasCommit(onMain)).toBe(true);
    expect((await simpleGit(repo.gitDir).raw(['for-each-ref', '--format=%(refname)'])).trim()).toBe('refs/heads/main');
  });

  it('fetches every branch when the commit is not on the ref it was told (the ref moved on, or is gone)', async () => {
    await origin.switchBranch('feature');
    const onFeature = await origin.commitAndPush('feature work', { 'f.txt': 'f\n' });

    const mirror = new GitMirror({ cacheDir });
    const repo = await mirror.fetch(origin.cloneUrl, onFeature, { ref: 'refs/heads/main' });
    expect(await repo.hasCommit(onFeature)).toBe(true);
    expect(await simpleGit(repo.gitDir).raw(['for-each-ref', '--format=%(refname)'])).toContain('refs/heads/feature');

    const next = await origin.commitAndPush('more feature work', { 'g.txt': 'g\n' });
    await expect(mirror.fetch(origin.cloneUrl, next, { ref: 'refs/heads/no-such-branch' })).resolves.toBeDefined();
  });

  it('fetches commits pushed to any branch, and prunes branches deleted upstream', async () => {
    await origin.switchBranch('feature');
    const onFeature = await origin.commitAndPush('feature work', { 'f.txt': 'f\n' });
    const repo = await new GitMirror({ cacheDir }).fetch(origin.cloneUrl, onFeature);
    expect(await simpleGit(repo.gitDir).raw(['for-each-ref', '--format=%(refname)'])).toContain('refs/heads/feature');

    await origin.git.raw(['push', '--quiet', 'origin', '--delete', 'feature']);
    await origin.switchBranch('main');
    const onMain = await origin.commitAndPush('main work', { 'm.txt': 'm\n' });
    await new GitMirror({ cacheDir }).fetch(origin.cloneUrl, onMain);

    expect(await simpleGit(repo.gitDir).raw(['for-each-ref', '--format=%(refname)'])).not.toContain('refs/heads/feature');
  });

  it('fetches by id a commit that only a pull request ref reaches, as GitHub serves fork heads', async () => {
    await origin.switchBranch('fork-work');
    const head = await origin.commit('from a fork', { 'fork.txt': 'x\n' });
    await origin.git.raw(['push', '--quiet', 'origin', 'HEAD:refs/pull/7/head']);

    const repo = await new GitMirror({ cacheDir }).fetch(origin.cloneUrl, head);

    expect(await repo.hasCommit(head)).toBe(true);
  });

  it('reports a commit the remote does not have as a terminal UnknownCommitError', async () => {
    const missing = 'f'.repeat(40);
    const error = await new GitMirror({ cacheDir }).fetch(origin.cloneUrl, missing).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UnknownCommitError);
    expect(error).toMatchObject({ sha: missing, reason: 'NotFound', retryable: false });
  });

  it('rejects an abbreviated sha before touching git', async () => {
    const short = (await origin.headSha()).slice(0, 7);
    await expect(new GitMirror({ cacheDir }).fetch(origin.cloneUrl, short)).rejects.toThrow(GitReadError);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('reports a repository that does not exist as a terminal GitFetchError without retrying', async () => {
    const started = Date.now();
    const error = await new GitMirror({ cacheDir, retry: { initialDelayMs: 2_000 } })
      .fetch(join(origin.root, 'nope.git'), 'a'.repeat(40))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitFetchError);
    expect(error).toMatchObject({ code: 'no-repository', retryable: false });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('repairs a mirror directory a crash left half made', async () => {
    const mirror = new GitMirror({ cacheDir });
    const gitDir = mirror.pathOf(origin.cloneUrl);
    await mkdir(join(gitDir, 'objects'), { recursive: true });
    await writeFile(join(gitDir, 'config'), '[core]\n\tbare = true\n');

    const repo = await mirror.fetch(origin.cloneUrl, await origin.headSha());

    expect(await repo.hasCommit(await origin.headSha())).toBe(true);
  });

  it('stops with the abort reason when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('job cancelled'));
    await expect(new GitMirror({ cacheDir }).fetch(origin.cloneUrl, await origin.headSha(), { signal: controller.signal }))
      .rejects.toThrow('job cancelled');
  });
});
