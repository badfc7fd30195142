import { runStatus } from '../../../cli/status.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import { createTestRepo, openWorkerKit, pushRequest, testContext, type TestRepo, type WorkerKit } from '../worker/worker-test-kit.js';
import { runIn } from './cli-test-kit.js';

/** The cells of the table row of environment `dev`. */
function devRow(stdout: string): string[] | undefined {
  return stdout.split('\n').find((line) => line.startsWith('dev '))?.split(/\s+/);
}

describe('gantry status: last release and live workload health per environment', () => {
  let kit: WorkerKit;
  let repo: TestRepo;

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('cli-status');
  });
  afterAll(async () => {
    await kit.close([repo.namespace]);
    await repo.git.cleanup();
  });

  it('shows an environment that was never deployed as such', async () => {
    await repo.commit('catalog in dev');

    const run = await runIn(repo, runStatus, []);

    expect(run.code).toBe(0);
    expect(devRow(run.stdout)).toEqual(['dev', repo.namespace, '-', '-', 'never', 'deployed', '-']);
  });

  it('shows the last release succeeded and its Deployment Healthy', async () => {
    const sha = await repo.git.headSha();
    expect((await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext())).outcome).toBe('succeeded');

    const run = await runIn(repo, runStatus, ['--env', 'dev']);

    expect(run.code).toBe(0);
    expect(devRow(run.stdout)).toEqual(['dev', repo.namespace, '1', sha.slice(0, 12), 'succeeded', 'Healthy', '(1/1)']);
  });

  it('shows a failed release left in place as Degraded, naming the Deployment and the reason', async () => {
    const sha = await repo.commit('pods never ready, no rollback', { neverReady: true, automaticRollback: false });
    expect((await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext())).outcome).toBe('failed');

    const run = await runIn(repo, runStatus, ['--env', 'dev']);

    expect(run.code).toBe(0);
    expect(devRow(run.stdout)?.slice(2, 6)).toEqual(['2', sha.slice(0, 12), 'failed', 'Degraded']);
    // The simulated failure may be reported as a crash loop or as the progress deadline, whichever the check sees first.
    expect(run.stdout).toMatch(
      new RegExp(`dev: Deployment/${repo.namespace}/catalog: Degraded (CrashLoopBackOff|ProgressDeadlineExceeded): `),
    );
  }, 60_000);

  it('fails naming the environment when the repository does not define it', async () => {
    const run = await runIn(repo, runStatus, ['--env', 'prod']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Error: .*prod/);
  });
});
