import { randomBytes } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { runRollback } from '../../../cli/rollback.js';
import { need } from '../../platform/connect.js';
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

  it('goes back to the previous succeeded release: its objects restored, the newer ones pruned, recorded as a rollback, and GitHub told', async () => {
    const github = need('github');
    const owner = `acme-${randomBytes(3).toString('hex')}`;
    const env = {
      GANTRY_GITHUB_URL: github.url,
      GANTRY_GITHUB_TOKEN: github.token,
      GANTRY_GITHUB_REPO: `${owner}/shop`,
    };

    const run = await runIn(repo, (args, io) => runRollback(args, io, env), ['--env', 'dev']);

    expect(run.stderr).not.toContain('Error');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('environment dev: rolled-back:');
    expect(run.stdout).toContain(`rolled back to revision 1 (${first.slice(0, 7)})`);
    expect((await liveByName(kit.cluster, repo.namespace, 'v1', 'ConfigMap')).has('feature-flags')).toBe(false);
    const [rollback] = await kit.releases(repo.namespace).list();
    expect(rollback).toMatchObject({ revision: 3, commit: first, outcome: 'succeeded', rollbackOf: 1 });
    // As after an automatic rollback: the commit rolled back from says so, the commit now running is deployed.
    const octokit = new Octokit({ baseUrl: github.url, auth: github.token });
    const statusOf = async (sha: string) =>
      (await octokit.repos.getCombinedStatusForRef({ owner, repo: 'shop', ref: sha })).data.statuses.map((status) => [
        status.context,
        status.state,
        status.description,
      ]);
    expect(await statusOf(second)).toEqual([
      ['deploy/dev', 'failure', `Rolled back to ${first.slice(0, 7)} on request`],
    ]);
    expect(await statusOf(first)).toEqual([['deploy/dev', 'success', `Deployed ${first.slice(0, 7)}: done`]]);
    const { data } = await octokit.checks.listForRef({ owner, repo: 'shop', ref: second });
    expect(data.check_runs.map((check) => [check.name, check.conclusion])).toEqual([['deploy/dev', 'failure']]);
    expect(run.stderr).toContain(`GitHub: deploy/dev on ${second.slice(0, 7)}: failure`);
  });

  it('goes forward again with --to the newer commit', async () => {
    const run = await runIn(repo, (args, io) => runRollback(args, io, {}), [
      '--env',
      'dev',
      '--to',
      second.slice(0, 10),
    ]);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain('GitHub was not told: GANTRY_GITHUB_TOKEN is not set');
    expect((await liveByName(kit.cluster, repo.namespace, 'v1', 'ConfigMap')).has('feature-flags')).toBe(true);
    const [latest] = await kit.releases(repo.namespace).list();
    expect(latest).toMatchObject({ revision: 4, commit: second, outcome: 'succeeded', rollbackOf: 2 });
  });
});
