import { runHistory } from '../../../cli/history.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import {
  createTestRepo,
  openWorkerKit,
  pushRequest,
  testContext,
  type TestRepo,
  type WorkerKit,
} from '../worker/worker-test-kit.js';
import { runIn } from './cli-test-kit.js';

describe('gantry history: an environment release list read from the cluster', () => {
  let kit: WorkerKit;
  let repo: TestRepo;

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('cli-history');
  });
  afterAll(async () => {
    await kit.close([repo.namespace]);
    await repo.git.cleanup();
  });

  it('says there are no releases yet, on stderr, before the first deploy', async () => {
    await repo.commit('catalog in dev');

    const run = await runIn(repo, runHistory, ['--env', 'dev']);

    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toContain(`environment dev: no releases in namespace ${repo.namespace}`);
  });

  it('lists each release newest first with its revision, commit and outcome', async () => {
    const first = await repo.git.headSha();
    expect((await deployEnvironment(pushRequest(repo, first), kit.deps, testContext())).outcome).toBe('succeeded');
    const second = await repo.commit('dev says hello', { environment: 'dev-hello' });
    expect((await deployEnvironment(pushRequest(repo, second), kit.deps, testContext())).outcome).toBe('succeeded');
    // Delivered again, it changes nothing: no third release, the second one is verified.
    expect((await deployEnvironment(pushRequest(repo, second), kit.deps, testContext())).revision).toBe(2);

    const run = await runIn(repo, runHistory, ['--env', 'dev']);

    expect(run.code).toBe(0);
    const [header, ...rows] = run.stdout.trimEnd().split('\n');
    expect(header?.split(/\s+/)).toEqual([
      'REVISION',
      'COMMIT',
      'OUTCOME',
      'STARTED',
      'FINISHED',
      'VERIFIED',
      'REASON',
      'IMAGES',
    ]);
    expect(rows.map((row) => row.split(/\s+/).slice(0, 3))).toEqual([
      ['2', second.slice(0, 12), 'succeeded'],
      ['1', first.slice(0, 12), 'succeeded'],
    ]);
    const [verified, notVerified] = rows.map((row) => row.split(/\s+/)[5]);
    expect(verified).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(notVerified).toBe('-');
  });

  it('fails naming the environment when the repository does not define it', async () => {
    const run = await runIn(repo, runHistory, ['--env', 'nowhere']);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Error: .*nowhere/);
  });

  it('refuses to run without --env', async () => {
    const run = await runIn(repo, runHistory, []);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--env is required');
  });
});
