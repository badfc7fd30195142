import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitMirror, GitReadError, type MirrorRepository } from '../../../adapters/git/index.js';
import { FileSystemError } from '../../../kustomize/fs/file-system.js';
import { createGitFixture, type GitFixture } from '../../platform/git-fixtures.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('MirrorRepository.treeAt', () => {
  let origin: GitFixture;
  let cacheDir: string;
  let repo: MirrorRepository;
  let sha: string;

  beforeAll(async () => {
    origin = await createGitFixture();
    await origin.writeFiles({
      'apps/catalog/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'apps/catalog/base/deployment.yaml': 'kind: Deployment\n',
      'environments/dev/kustomization.yaml': 'resources:\n  - ../../apps/catalog/base\n',
      'environments/dev/env.yaml': 'branch: main\n',
      'environments/prod/env.yaml': 'branch: release\n',
      'blobs/binary.bin': new Uint8Array([0, 255, 10, 13, 0]),
      'blobs/large.txt': 'x'.repeat(2048),
    });
    await origin.symlink('environments/dev/shared.yaml', '../prod/env.yaml');
    await origin.symlink('environments/staging', 'dev');
    await origin.symlink('environments/dev/escape-absolute', '/etc/passwd');
    await origin.symlink('environments/dev/escape-relative', '../../../outside.yaml');
    await origin.symlink('environments/dev/dangling', 'nothing-here.yaml');
    await origin.symlink('loop-a', 'loop-b');
    await origin.symlink('loop-b', 'loop-a');
    // A submodule entry (gitlink) without a .gitmodules: git stores only the commit id. Committed by hand because
    // the fixture's `git add --all` would drop a gitlink that has no directory on disk.
    await origin.git.raw(['add', '--all']);
    await origin.git.raw(['update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},vendor/lib`]);
    await origin.git.raw(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'every kind of entry']);
    await origin.push();
    sha = await origin.headSha();
    cacheDir = await mkdtemp(join(tmpdir(), 'gantry-mirrors-'));
    repo = await new GitMirror({ cacheDir }).fetch(origin.cloneUrl, sha);
  });
  afterAll(async () => {
    await origin.cleanup();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('reads files and directories of the commit without a working copy', async () => {
    const fs = await repo.treeAt(sha);

    expect(fs.kind('environments/dev')).toBe('directory');
    expect(fs.kind('environments/dev/env.yaml')).toBe('file');
    expect(fs.kind('environments/nope')).toBe('missing');
    expect(fs.readDir('')).toEqual(['apps', 'blobs', 'environments', 'loop-a', 'loop-b', 'vendor']);
    expect(fs.readDir('environments')).toEqual(['dev', 'prod', 'staging']);
    expect(text(fs.readFile('environments/dev/kustomization.yaml'))).toBe('resources:\n  - ../../apps/catalog/base\n');
    expect(text(fs.readFile('./environments/dev/../../apps/catalog/base/deployment.yaml'))).toBe('kind: Deployment\n');
  });

  it('keeps binary content byte for byte', async () => {
    expect([...(await repo.treeAt(sha)).readFile('blobs/binary.bin')]).toEqual([0, 255, 10, 13, 0]);
  });

  it('shows the tree of the commit asked for, not of the newest one', async () => {
    const later = await origin.commitAndPush('later', { 'environments/dev/env.yaml': 'branch: other\n' });
    await new GitMirror({ cacheDir }).fetch(origin.cloneUrl, later);

    expect(text((await repo.treeAt(sha)).readFile('environments/dev/env.yaml'))).toBe('branch: main\n');
    expect(text((await repo.treeAt(later)).readFile('environments/dev/env.yaml'))).toBe('branch: other\n');
  });

  it('follows symlinks that stay inside the repository, to files and to directories', async () => {
    const fs = await repo.treeAt(sha);

    expect(text(fs.readFile('environments/dev/shared.yaml'))).toBe('branch: release\n');
    expect(fs.realPath('environments/dev/shared.yaml')).toBe('environments/prod/env.yaml');
    expect(fs.kind('environments/staging')).toBe('directory');
    expect(fs.readDir('environments/staging')).toContain('env.yaml');
    expect(fs.realPath('environments/staging/env.yaml')).toBe('environments/dev/env.yaml');
  });

  it('refuses symlinks that lead out of the repository, absolute or relative', async () => {
    const fs = await repo.treeAt(sha);

    for (const path of ['environments/dev/escape-absolute', 'environments/dev/escape-relative', '../outside.yaml']) {
      expect(() => fs.readFile(path)).toThrow(expect.objectContaining({ reason: 'outside-root' }) as Error);
      expect(() => fs.kind(path)).toThrow(FileSystemError);
    }
  });

  it('treats a dangling link as missing and a link cycle as an error, never hanging', async () => {
    const fs = await repo.treeAt(sha);

    expect(fs.kind('environments/dev/dangling')).toBe('missing');
    expect(() => fs.readFile('loop-a')).toThrow(/too many levels of symbolic links/);
  });

  it('shows a submodule as an empty directory, as a clone without submodules does', async () => {
    const fs = await repo.treeAt(sha);

    expect(fs.kind('vendor/lib')).toBe('directory');
    expect(fs.readDir('vendor/lib')).toEqual([]);
  });

  it('does not load files over the size limit and reports them as too large', async () => {
    const fs = await repo.treeAt(sha, { maxFileBytes: 1024 });

    expect(fs.kind('blobs/large.txt')).toBe('file');
    expect(() => fs.readFile('blobs/large.txt')).toThrow(expect.objectContaining({ reason: 'too-large' }) as Error);
    expect(fs.readFile('environments/dev/env.yaml').byteLength).toBeGreaterThan(0);
  });

  it('refuses a commit that is not in the mirror with a terminal error', async () => {
    const error = await repo.treeAt('e'.repeat(40)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitReadError);
    expect(error).toMatchObject({ code: 'unknown-commit', retryable: false });
  });
});
