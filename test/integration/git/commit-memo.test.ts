import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitMirror, GitReadError } from '../../../adapters/git/index.js';
import { createGitFixture, type GitFixture } from '../../platform/git-fixtures.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

// What a GitMirror remembers of its mirrors, seen from outside: an answer served from memory survives the mirror's
// objects being moved away (no git process was asked), and one that must not be remembered does not.
describe('GitMirror answers that cannot change', () => {
  let origin: GitFixture;
  let cacheDir: string;

  beforeEach(async () => {
    origin = await createGitFixture({ initialFiles: { 'environments/dev/env.yaml': 'branch: main\n' } });
    cacheDir = await mkdtemp(join(tmpdir(), 'gantry-memo-'));
  });
  afterEach(async () => {
    await origin.cleanup();
    await rm(cacheDir, { recursive: true, force: true });
  });

  /** Moves the mirror's directory away, so any git process asked about it fails. */
  async function hideMirror(mirror: GitMirror): Promise<() => Promise<void>> {
    const gitDir = mirror.pathOf(origin.cloneUrl);
    await rename(gitDir, `${gitDir}.hidden`);
    return () => rename(`${gitDir}.hidden`, gitDir);
  }

  it('serves a fetched commit, its tree and a diff again without asking git', async () => {
    const before = await origin.headSha();
    const after = await origin.commitAndPush('dev follows release', { 'environments/dev/env.yaml': 'branch: release\n' });
    const mirror = new GitMirror({ cacheDir });
    const repo = await mirror.fetch(origin.cloneUrl, after, { ref: 'refs/heads/main' });
    const first = await repo.treeAt(after);
    expect(await repo.changedPaths(before, after)).toEqual(['environments/dev/env.yaml']);

    const restore = await hideMirror(mirror);
    const again = await mirror.fetch(origin.cloneUrl, after, { ref: 'refs/heads/main' });
    const tree = await again.treeAt(after);
    expect(tree).toBe(first);
    expect(text(tree.readFile('environments/dev/env.yaml'))).toBe('branch: release\n');
    expect(await again.changedPaths(before, after)).toEqual(['environments/dev/env.yaml']);
    await restore();
  });

  it('still asks git about a commit it has not seen, and about a tree read with another size limit', async () => {
    const sha = await origin.headSha();
    const mirror = new GitMirror({ cacheDir });
    const repo = await mirror.fetch(origin.cloneUrl, sha);
    await repo.treeAt(sha);

    const restore = await hideMirror(mirror);
    await expect(repo.treeAt(sha, { maxFileBytes: 1 })).rejects.toBeInstanceOf(GitReadError);
    // The failed read made it forget the mirror: the commit itself is asked of git again, which cannot answer.
    await expect(repo.hasCommit(sha)).rejects.toBeInstanceOf(GitReadError);
    await restore();
    await expect(repo.hasCommit(sha)).resolves.toBe(true);
  });

  it('shares one load of a tree between readers that ask at once, and a reader that aborts leaves the others theirs', async () => {
    const sha = await origin.headSha();
    const mirror = new GitMirror({ cacheDir });
    const repo = await mirror.fetch(origin.cloneUrl, sha);
    const aborted = new AbortController();
    const reads = [repo.treeAt(sha), repo.treeAt(sha, { signal: aborted.signal }), repo.treeAt(sha)];
    aborted.abort(new Error('job cancelled'));
    const [first, cancelled, third] = await Promise.allSettled(reads);
    expect(cancelled).toMatchObject({ status: 'rejected', reason: new Error('job cancelled') });
    const firstTree = first?.status === 'fulfilled' ? first.value : undefined;
    expect(firstTree).toBeDefined();
    expect(third).toEqual({ status: 'fulfilled', value: firstTree });
    expect(third?.status === 'fulfilled' && third.value).toBe(firstTree);
  });

  it('fetches a burst of commits of one branch once: the fetches queued behind the first find their commits there', async () => {
    const shas = [];
    for (let n = 1; n <= 3; n++) shas.push(await origin.commitAndPush(`push ${n}`, { 'README.md': `${n}\n` }));
    const fetches: string[] = [];
    const logger = { info: (_: object, message: string) => fetches.push(message), warn: () => {} };
    const mirror = new GitMirror({ cacheDir, logger });

    const repos = await Promise.all(shas.map((sha) => mirror.fetch(origin.cloneUrl, sha, { ref: 'refs/heads/main' })));

    expect(fetches.filter((message) => message === 'git fetch done')).toHaveLength(1);
    for (const [k, repo] of repos.entries()) expect(text(await repo.readFile(shas[k]!, 'README.md'))).toBe(`${k + 1}\n`);
  });

  it('creates a mirror removed behind its back again on the next fetch of a new commit', async () => {
    const mirror = new GitMirror({ cacheDir });
    await mirror.fetch(origin.cloneUrl, await origin.headSha());
    await rm(mirror.pathOf(origin.cloneUrl), { recursive: true, force: true });
    const next = await origin.commitAndPush('another', { 'README.md': 'x\n' });

    const repo = await mirror.fetch(origin.cloneUrl, next, { ref: 'refs/heads/main' });

    expect(text(await repo.readFile(next, 'README.md'))).toBe('x\n');
  });
});
