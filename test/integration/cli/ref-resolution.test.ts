// Issue 7, item 9: `--ref release` must resolve as a git user expects (a local branch, then origin/<name>, then a
// tag, then anything `git rev-parse` takes), and a ref that names nothing must say so.
import { runDiff } from '../../../cli/diff.js';
import { createTestRepo, openWorkerKit, type TestRepo, type WorkerKit } from '../worker/worker-test-kit.js';
import { runIn } from './cli-test-kit.js';

describe('gantry diff --ref: branch names resolve the way git users expect', () => {
  let kit: WorkerKit;
  let repo: TestRepo;
  let mainSha: string;
  let releaseSha: string;

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('cli-ref');
    mainSha = await repo.commit('catalog in dev');
    // `release` exists on origin only, one commit ahead of main, as after a clone that never checked it out.
    await repo.git.switchBranch('release');
    releaseSha = await repo.commit('release: a different ConfigMap', { environment: 'release' });
    await repo.git.push('release');
    await repo.git.git.raw(['checkout', '--quiet', 'main']);
    await repo.git.git.raw(['branch', '--quiet', '-D', 'release']);
    await repo.git.git.raw(['fetch', '--quiet', 'origin']);
  });
  afterAll(async () => {
    await kit.close([repo.namespace]);
    await repo.git.cleanup();
  });

  it('--ref release with only origin/release renders that commit', async () => {
    const run = await runIn(repo, runDiff, ['--env', 'dev', '--ref', 'release']);

    expect(run.stderr).not.toContain('Error');
    expect(run.stderr).toContain(`diff dev: commit ${releaseSha.slice(0, 12)}`);
    expect(run.code).toBe(2);
  });

  it('a local branch wins over origin/<name>, and a tag and a sha prefix resolve too', async () => {
    await repo.git.git.raw(['branch', '--quiet', 'release', mainSha]);
    await repo.git.git.raw(['tag', 'v1', releaseSha]);

    const branch = await runIn(repo, runDiff, ['--env', 'dev', '--ref', 'release']);
    const tag = await runIn(repo, runDiff, ['--env', 'dev', '--ref', 'v1']);
    const prefix = await runIn(repo, runDiff, ['--env', 'dev', '--ref', mainSha.slice(0, 8)]);

    expect(branch.stderr).toContain(`diff dev: commit ${mainSha.slice(0, 12)}`);
    expect(tag.stderr).toContain(`diff dev: commit ${releaseSha.slice(0, 12)}`);
    expect(prefix.stderr).toContain(`diff dev: commit ${mainSha.slice(0, 12)}`);
    await repo.git.git.raw(['branch', '--quiet', '-D', 'release']);
  });

  it('a ref that names nothing says so, naming what was looked for', async () => {
    const run = await runIn(repo, runDiff, ['--env', 'dev', '--ref', 'no-such-branch']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Error: --ref no-such-branch: no branch, remote-tracking branch, tag or commit of that name',
    );
    expect(run.stderr).toContain('git fetch');
  });
});
