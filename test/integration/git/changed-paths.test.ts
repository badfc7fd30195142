import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitMirror, GitReadError, type MirrorRepository } from '../../../adapters/git/index.js';
import { createGitFixture, type GitFixture } from '../../platform/git-fixtures.js';

describe('MirrorRepository.changedPaths and readFile', () => {
  let origin: GitFixture;
  let cacheDir: string;
  let repo: MirrorRepository;
  let before: string;
  let after: string;

  beforeAll(async () => {
    origin = await createGitFixture({
      initialFiles: {
        'apps/catalog/app.yaml': 'name: catalog\n',
        'apps/orders/app.yaml': 'name: orders\n',
        'apps/orders/src/main.ts': 'export {};\n',
        'apps/storefront/app.yaml': 'name: storefront\n',
        'environments/dev/env.yaml': 'branch: main\n',
      },
    });
    before = await origin.headSha();
    after = await origin.commitAndPush('change catalog, remove storefront, move orders source, add payments', {
      'apps/catalog/app.yaml': 'name: catalog\nreplicas: 2\n',
      'apps/storefront/app.yaml': null,
      'apps/orders/src/main.ts': null,
      'apps/orders/source/main.ts': 'export {};\n',
      'apps/payments/app.yaml': 'name: payments\n',
    });
    cacheDir = await mkdtemp(join(tmpdir(), 'gantry-mirrors-'));
    repo = await new GitMirror({ cacheDir }).fetch(origin.cloneUrl, after);
  });
  afterAll(async () => {
    await origin.cleanup();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('lists modified, added and deleted paths, and both sides of a move', async () => {
    expect(await repo.changedPaths(before, after)).toEqual([
      'apps/catalog/app.yaml',
      'apps/orders/source/main.ts',
      'apps/orders/src/main.ts',
      'apps/payments/app.yaml',
      'apps/storefront/app.yaml',
    ]);
  });

  it('lists nothing between a commit and itself', async () => {
    expect(await repo.changedPaths(after, after)).toEqual([]);
  });

  it('counts every path as changed for a push that created the branch (before is all zeros)', async () => {
    const all = await repo.changedPaths('0'.repeat(40), after);

    expect(all).toContain('environments/dev/env.yaml');
    expect(all).not.toContain('apps/storefront/app.yaml');
    expect(await repo.changedPaths(undefined, after)).toEqual(all);
  });

  it('refuses a "before" commit that is not in the mirror with a terminal error', async () => {
    await expect(repo.changedPaths('d'.repeat(40), after)).rejects.toMatchObject({ code: 'unknown-commit', retryable: false });
  });

  it('reads one file at a commit, and says when it is missing or a directory', async () => {
    expect(new TextDecoder().decode(await repo.readFile(before, 'apps/storefront/app.yaml'))).toBe('name: storefront\n');
    await expect(repo.readFile(after, 'apps/storefront/app.yaml')).rejects.toMatchObject({ code: 'not-found' });
    await expect(repo.readFile(after, 'apps/catalog')).rejects.toMatchObject({ code: 'not-a-file' });
    await expect(repo.readFile(after, '../etc/passwd')).rejects.toThrow(GitReadError);
  });
});
