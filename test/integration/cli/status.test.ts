import { pino } from 'pino';
import { runStatus } from '../../../cli/status.js';
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

/** The cells of the table row of environment `dev`. */
function devRow(stdout: string): string[] | undefined {
  return stdout
    .split('\n')
    .find((line) => line.startsWith('dev '))
    ?.split(/\s+/);
}

describe('gantry status: last release and the live health of what it waited on, per environment', () => {
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
    // Namespace, Service and Deployment: every object the deploy waited on, not only the workload.
    expect(devRow(run.stdout)).toEqual(['dev', repo.namespace, '1', sha.slice(0, 12), 'succeeded', 'Healthy', '(3/3)']);
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

  it('counts a LoadBalancer Service, Healthy once the platform gave it an address', async () => {
    const sha = await repo.commit('catalog behind a load balancer', { loadBalancer: { name: 'catalog-external' } });
    expect((await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext())).outcome).toBe('succeeded');

    const run = await runIn(repo, runStatus, ['--env', 'dev']);

    expect(devRow(run.stdout)?.slice(2)).toEqual(['3', sha.slice(0, 12), 'succeeded', 'Healthy', '(4/4)']);
  }, 60_000);

  it('shows a LoadBalancer Service that never got an address as Progressing, and the worker says so while it waits', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const sha = await repo.commit('a load balancer of a class no controller serves', {
      loadBalancer: { name: 'unserved-external', class: 'example.com/none' },
      automaticRollback: false,
      rolloutTimeout: '10s',
    });
    const result = await deployEnvironment(pushRequest(repo, sha), kit.deps, { ...testContext(), log });
    expect([result.outcome, result.reason]).toEqual(['failed', 'HealthCheckTimeout']);

    const run = await runIn(repo, runStatus, ['--env', 'dev']);

    expect(devRow(run.stdout)?.slice(2, 6)).toEqual(['4', sha.slice(0, 12), 'failed', 'Progressing']);
    expect(run.stdout).toContain(
      `dev: Service/${repo.namespace}/unserved-external: Progressing LoadBalancerPending: waiting for the load balancer to get an address`,
    );
    const waits = lines
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((l) => l.msg.startsWith('waiting for'));
    expect(waits[0]).toMatchObject({
      level: 30,
      msg: expect.stringContaining(`Service/${repo.namespace}/unserved-external`),
    });
  }, 60_000);

  it('still shows the healthy environments when one env.yaml is broken, and reports the broken one once', async () => {
    await repo.git.writeFiles({ 'environments/broken/env.yaml': 'name: broken\nbogus: true\n' });

    const run = await runIn(repo, runStatus, []);

    expect(run.code).toBe(1);
    expect(devRow(run.stdout)?.[0]).toBe('dev');
    expect(run.stderr.match(/bogus/g)).toHaveLength(1);
    expect(run.stderr).toMatch(/^Error: environments\/broken\/env\.yaml/m);
  });

  it('fails naming the environment when the repository does not define it', async () => {
    const run = await runIn(repo, runStatus, ['--env', 'prod']);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Error: .*prod/);
  });
});
