// Build contexts made by git from a commit's objects: the directory's files, nothing from a work tree, and no
// symlink that leads out of the repository.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitMirror } from '../../../adapters/git/index.js';
import { DeployError } from '../../../core/deploy-error.js';
import { Reason } from '../../../core/reasons.js';
import { createGitFixture, type GitFixture } from '../../platform/git-fixtures.js';

const run = promisify(execFile);

async function tarEntries(tar: Buffer): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'gantry-archive-'));
  try {
    await writeFile(join(dir, 'context.tar'), tar);
    return (await run('tar', ['-tf', join(dir, 'context.tar')])).stdout.split('\n').filter(Boolean).sort();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('MirrorRepository.archive: a build context from git objects', () => {
  let origin: GitFixture;
  let cacheDir: string;

  beforeAll(async () => {
    origin = await createGitFixture();
    cacheDir = await mkdtemp(join(tmpdir(), 'gantry-archive-mirrors-'));
  });
  afterAll(async () => {
    await origin.cleanup();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it("holds the directory's committed files relative to it, and nothing of the work tree", async () => {
    await origin.writeFiles({
      'apps/catalog/Dockerfile': 'FROM scratch\n',
      'apps/catalog/src/server.js': 'console.log(1)\n',
      'apps/orders/Dockerfile': 'FROM scratch\n',
    });
    await origin.symlink('apps/catalog/src/alias.js', 'server.js');
    const sha = await origin.commitAndPush('two apps', {});
    await writeFile(join(origin.workDir, 'apps/catalog/untracked.txt'), 'not committed\n');
    const repo = await new GitMirror({ cacheDir }).fetch(origin.cloneUrl, sha);

    expect(await tarEntries(await repo.archive(sha, 'apps/catalog'))).toEqual([
      'Dockerfile',
      'src/',
      'src/alias.js',
      'src/server.js',
    ]);
  });

  it('refuses a symlink leading out of the repository, naming it, and a directory the commit lacks', async () => {
    await origin.symlink('apps/catalog/secrets', '../../../etc');
    const sha = await origin.commitAndPush('an escaping link', {});
    const repo = await new GitMirror({ cacheDir }).fetch(origin.cloneUrl, sha);

    const escape = repo.archive(sha, 'apps/catalog');
    await expect(escape).rejects.toThrow(DeployError);
    await expect(escape).rejects.toThrow(
      /^apps\/catalog\/secrets is a symlink to \.\.\/\.\.\/\.\.\/etc, outside the repository/,
    );
    await expect(repo.archive(sha, 'apps/missing')).rejects.toMatchObject({ reason: Reason.InvalidConfig });
  });
});
