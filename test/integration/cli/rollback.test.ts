import { runRollback } from '../../../cli/rollback.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import {
  createTestRepo,
  liveByName,
  openWorkerKit,
  pushRequest,
  testContext,
  type TestRepo,
  type WorkerKit,
} from '../worker/worker-test-kit.js';
import { runIn } from './cli-test-kit.js';

describe('gantry rollback: an earlier release re-applied from the release store', () => {
  let kit: WorkerKit;
  let repo: TestRepo;
  let first: string;
  let second: string;

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('cli-rollback');
    first = await repo.commit('catalog in dev');
    expect((await deployEnvironment(pushRequest(repo, first), kit.deps, testContext())).outcome).toBe('succeeded');
    second = await repo.commit('feature flags', { featureFlags: true });
    expect((await deployEnvironment(pushRequest(repo, second), kit.deps, testContext())).outcome).toBe('succeeded');
  });
  afterAll(async () => {
    await kit.close([repo.namespace]);
    await repo.git.cleanup();
  });

  it('refuses a commit no succeeded release has, naming the environment, and changes nothing', async () => {
    const run = await runIn(repo, runRollback, ['--env', 'dev', '--to', 'deadbeef']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Error: environment dev: no release of commit deadbeef in the history (revisions 1–2, none trimmed): it was never deployed to dev',
    );
    expect((await kit.releases(repo.namespace).list()).map((r) => r.revision)).toEqual([2, 1]);
  });

  it('goes back to the previous succeeded release: its objects restored, the newer ones pruned, recorded as a rollback', async () => {
    const run = await runIn(repo, runRollback, ['--env', 'dev']);

    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('environment dev: rolled-back:');
    expect(run.stdout).toContain(`rolled back to revision 1 (${first.slice(0, 7)})`);
    expect((await liveByName(kit.cluster, repo.namespace, 'v1', 'ConfigMap')).has('feature-flags')).toBe(false);
    const [rollback] = await kit.releases(repo.namespace).list();
    expect(rollback).toMatchObject({ revision: 3, commit: first, outcome: 'succeeded', rollbackOf: 1 });
  });

  it('goes forward again with --to the newer commit', async () => {
    const run = await runIn(repo, runRollback, ['--env', 'dev', '--to', second.slice(0, 10)]);

    expect(run.code).toBe(0);
    expect((await liveByName(kit.cluster, repo.namespace, 'v1', 'ConfigMap')).has('feature-flags')).toBe(true);
    const [latest] = await kit.releases(repo.namespace).list();
    expect(latest).toMatchObject({ revision: 4, commit: second, outcome: 'succeeded', rollbackOf: 2 });
  });
});
