import { randomBytes } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { GitHubReporter, type RepoRef } from '../../../adapters/github/index.js';
import {
  GitHubEmulatorClient,
  startGitHubEmulator,
  type GitHubEmulator,
} from '../../platform/github-emulator/index.js';

const TOKEN = 'ghp_statusesTestToken';
const sha = () => randomBytes(20).toString('hex');

describe('GitHubReporter: commit statuses and check runs (GitHub Enterprise base URL)', () => {
  let emulator: GitHubEmulator;
  let admin: GitHubEmulatorClient;
  let reporter: GitHubReporter;
  let octokit: Octokit;
  let repo: RepoRef;

  beforeAll(async () => {
    emulator = await startGitHubEmulator({ port: 0, tokens: [TOKEN] });
    admin = new GitHubEmulatorClient(emulator.url);
    // The `/api/v3` root is GitHub Enterprise Server's shape.
    reporter = new GitHubReporter({
      baseUrl: `${emulator.url}/api/v3`,
      auth: { type: 'token', token: TOKEN },
      writeIntervalMs: 0,
    });
    octokit = new Octokit({ baseUrl: emulator.url, auth: TOKEN });
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await admin.reset();
    repo = { owner: 'acme', repo: `gitops-${randomBytes(3).toString('hex')}` };
  });

  it('posts deploy/<env> statuses with the given state, description and target URL', async () => {
    const commit = sha();
    await reporter.setCommitStatus(repo, {
      sha: commit,
      environment: 'dev',
      state: 'pending',
      description: 'rendering',
    });
    await reporter.setCommitStatus(repo, {
      sha: commit,
      environment: 'dev',
      state: 'success',
      description: 'applied 3 objects',
      targetUrl: 'https://gantry.example.com/releases/dev/7',
    });

    const calls = await admin.calls({ operationId: 'repos/create-commit-status' });
    expect(calls.map((call) => [call.status, call.requestBody])).toEqual([
      [201, { context: 'deploy/dev', state: 'pending', description: 'rendering', target_url: null }],
      [
        201,
        {
          context: 'deploy/dev',
          state: 'success',
          description: 'applied 3 objects',
          target_url: 'https://gantry.example.com/releases/dev/7',
        },
      ],
    ]);
    expect(calls[0]!.path).toBe(`/repos/${repo.owner}/${repo.repo}/statuses/${commit}`);
    const { data } = await octokit.repos.getCombinedStatusForRef({ ...repo, ref: commit });
    expect(data.statuses.map((status) => [status.context, status.state])).toEqual([['deploy/dev', 'success']]);
  });

  it('sends writes one at a time, a second apart by default, as GitHub asks of a client making many', async () => {
    const paced = new GitHubReporter({ baseUrl: emulator.url, auth: { type: 'token', token: TOKEN } });
    const write = (environment: string) =>
      paced.setCommitStatus(repo, { sha: sha(), environment, state: 'pending', description: 'x' });
    const started = Date.now();

    await Promise.all([write('dev'), write('staging')]);

    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(await admin.calls({ operationId: 'repos/create-commit-status' })).toHaveLength(2);
  });

  it('logs a write as done only when GitHub received it, and a replay as skipped', async () => {
    const lines: { fields: object; message: string }[] = [];
    const logged = new GitHubReporter(
      { baseUrl: emulator.url, auth: { type: 'token', token: TOKEN } },
      { logger: { info: (fields, message) => lines.push({ fields, message }), warn: () => {} } },
    );
    const input = { sha: sha(), environment: 'dev', state: 'failure' as const, description: 'rolled back' };

    await logged.setCommitStatus(repo, input);
    await logged.setCommitStatus(repo, input);

    expect(await admin.calls({ operationId: 'repos/create-commit-status' })).toHaveLength(1);
    expect(lines).toEqual([
      { fields: expect.objectContaining({ outcome: 'created' }), message: 'GitHub write done: created' },
      {
        fields: expect.objectContaining({ outcome: 'unchanged' }),
        message: 'GitHub write skipped: GitHub already shows it',
      },
    ]);
    expect(lines.map((line) => line.message).join('\n')).not.toContain('GitHub updated');
  });

  it('posts nothing when a replay repeats the latest status of the context', async () => {
    const input = {
      sha: sha(),
      environment: 'staging',
      state: 'failure' as const,
      description: 'rolled back to 1a2b3c4',
    };

    expect(await reporter.setCommitStatus(repo, input)).toBe('created');
    expect(await reporter.setCommitStatus(repo, input)).toBe('unchanged');

    expect(await admin.calls({ operationId: 'repos/create-commit-status' })).toHaveLength(1);
  });

  it('drops a pending that arrives after the final status of the same context, and still posts a new outcome', async () => {
    const commit = sha();
    const input = { sha: commit, environment: 'dev', description: 'x' } as const;
    await reporter.setCommitStatus(repo, { ...input, state: 'success', description: 'deployed' });

    expect(await reporter.setCommitStatus(repo, { ...input, state: 'pending', description: 'deploying' })).toBe(
      'unchanged',
    );
    expect(await reporter.setCommitStatus(repo, { ...input, state: 'failure', description: 'redeploy failed' })).toBe(
      'created',
    );

    const calls = await admin.calls({ operationId: 'repos/create-commit-status' });
    expect(calls.map((call) => (call.requestBody as { state: string }).state)).toEqual(['success', 'failure']);
  });

  it('cuts a description to the 140 characters GitHub allows', async () => {
    await reporter.setCommitStatus(repo, {
      sha: sha(),
      environment: 'dev',
      state: 'error',
      description: 'x'.repeat(500),
    });

    const [call] = await admin.calls({ operationId: 'repos/create-commit-status' });
    const description = (call!.requestBody as { description: string }).description;
    expect(Array.from(description)).toHaveLength(140);
    expect(description.endsWith('…')).toBe(true);
  });

  it('creates a check run once and updates it on every later write with the same external id', async () => {
    const commit = sha();
    const base = { sha: commit, name: 'deploy/dev', externalId: `dev:${commit}`, title: 'Deploying to dev' };
    const first = await reporter.upsertCheckRun(repo, {
      ...base,
      progress: { status: 'in_progress' },
      summary: 'Rendering…',
    });
    const done = {
      ...base,
      progress: { status: 'completed', conclusion: 'success' } as const,
      summary: '| created | 3 |',
      text: 'details',
    };
    const second = await reporter.upsertCheckRun(repo, done);
    const replay = await reporter.upsertCheckRun(repo, done);

    expect(first.outcome).toBe('created');
    expect([second, replay]).toEqual([
      { id: first.id, outcome: 'updated', url: first.url },
      { id: first.id, outcome: 'updated', url: first.url },
    ]);
    expect(await admin.calls({ operationId: 'checks/create' })).toHaveLength(1);
    const { data } = await octokit.checks.listForRef({ ...repo, ref: commit, filter: 'all' });
    expect(data.check_runs).toHaveLength(1);
    expect(data.check_runs[0]).toMatchObject({
      external_id: `dev:${commit}`,
      status: 'completed',
      conclusion: 'success',
      output: { title: 'Deploying to dev', summary: '| created | 3 |', text: 'details' },
    });
  });

  it('never reopens a completed check run: a late in_progress write is dropped, a later outcome still lands', async () => {
    const commit = sha();
    const base = { sha: commit, name: 'deploy/dev', externalId: `dev:${commit}`, title: 'dev' };
    const done = await reporter.upsertCheckRun(repo, {
      ...base,
      progress: { status: 'completed', conclusion: 'success' },
      summary: 'deployed',
    });

    const late = await reporter.upsertCheckRun(repo, {
      ...base,
      progress: { status: 'in_progress' },
      summary: 'deploying',
    });
    const again = await reporter.upsertCheckRun(repo, {
      ...base,
      progress: { status: 'completed', conclusion: 'failure' },
      summary: 'redeploy failed',
    });

    expect(late).toEqual({ id: done.id, outcome: 'unchanged', url: done.url });
    expect(again).toEqual({ id: done.id, outcome: 'updated', url: done.url });
    expect(await admin.calls({ operationId: 'checks/update' })).toHaveLength(1);
    const { data } = await octokit.checks.listForRef({ ...repo, ref: commit, filter: 'all' });
    expect(data.check_runs.map((run) => [run.status, run.conclusion, run.output.summary])).toEqual([
      ['completed', 'failure', 'redeploy failed'],
    ]);
  });

  it('keeps one check run per environment on the same commit', async () => {
    const commit = sha();
    for (const env of ['dev', 'staging', 'dev', 'staging']) {
      await reporter.upsertCheckRun(repo, {
        sha: commit,
        name: `deploy/${env}`,
        externalId: `${env}:${commit}`,
        progress: { status: 'queued' },
        title: env,
        summary: 'queued',
      });
    }

    const { data } = await octokit.checks.listForRef({ ...repo, ref: commit, filter: 'all' });
    expect(data.check_runs.map((run) => run.name).sort()).toEqual(['deploy/dev', 'deploy/staging']);
  });

  it('cuts a summary over 65,535 characters and says so', async () => {
    const commit = sha();
    await reporter.upsertCheckRun(repo, {
      sha: commit,
      name: 'deploy/dev',
      externalId: `dev:${commit}`,
      progress: { status: 'completed', conclusion: 'failure' },
      title: 'too long',
      summary: '|row|\n'.repeat(20_000),
    });

    const { data } = await octokit.checks.listForRef({ ...repo, ref: commit });
    const summary = data.check_runs[0]!.output.summary!;
    expect(summary.length).toBeLessThanOrEqual(65_535);
    expect(summary).toMatch(/truncated/);
  });
});
