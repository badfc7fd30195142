import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitMirror } from '../../../adapters/git/index.js';
import { DiskFileSystem, renderKustomization, type FileSystem } from '../../../kustomize/index.js';
import { createGitFixture, type GitFixture } from '../../platform/git-fixtures.js';

/** The render's YAML, or its error message: both file systems must agree on either. */
function renderOrError(fs: FileSystem, dir: string): string {
  try {
    return renderKustomization(fs, dir).yaml;
  } catch (error) {
    return `error: ${(error as Error).message}`;
  }
}

describe('rendering an environment at a commit, with no checkout', () => {
  let origin: GitFixture;
  let cacheDir: string;

  beforeAll(async () => {
    origin = await createGitFixture();
    // The project's own sample apps and environments, committed as a user's repository would hold them.
    for (const dir of ['apps', 'environments']) await cp(join(process.cwd(), dir), join(origin.workDir, dir), { recursive: true });
    await origin.symlink('environments/qa', 'dev');
    await origin.commitAndPush('sample apps and environments');
    cacheDir = await mkdtemp(join(tmpdir(), 'gantry-mirrors-'));
  });
  afterAll(async () => {
    await origin.cleanup();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('renders every environment, one through a symlinked directory, byte for byte as from the same files on disk', async () => {
    const sha = await origin.headSha();
    const tree = await (await new GitMirror({ cacheDir }).fetch(origin.cloneUrl, sha)).treeAt(sha);
    const disk = new DiskFileSystem(origin.workDir);
    const environments = tree.readDir('environments').filter((name) => tree.kind(`environments/${name}/kustomization.yaml`) === 'file');

    expect(environments).toEqual(expect.arrayContaining(['dev', 'qa']));
    for (const env of environments) {
      expect(renderOrError(tree, `environments/${env}`)).toBe(renderOrError(disk, `environments/${env}`));
    }
    for (const env of environments) expect(renderOrError(tree, `environments/${env}`)).not.toMatch(/^error: /);
  });
});
