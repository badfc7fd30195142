// The race a retried `pending` report loses: its job errors and backs off, the deploy finishes and its outcome is
// written, then the `pending` job comes back. Replayed here in that order through the production report path
// (report-jobs.ts) against the GitHub emulator, which checks every request against GitHub's OpenAPI description.
import { randomBytes, randomUUID } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { pino } from 'pino';
import { GitHubReporter } from '../../../adapters/github/index.js';
import type { DeployRequest } from '../../../core/deploy/deploy-request.js';
import type { DeployResult } from '../../../worker/stages/deploy-environment.js';
import { pendingReport, publishReportJob, resultReport } from '../../../worker/report-jobs.js';
import {
  GitHubEmulatorClient,
  startGitHubEmulator,
  type GitHubEmulator,
} from '../../platform/github-emulator/index.js';
import { SILENT } from './worker-test-kit.js';

const TOKEN = 'ghp_reportRaceTestToken';

describe('a pending report that comes back after the outcome (report job retried late)', () => {
  let emulator: GitHubEmulator;
  let admin: GitHubEmulatorClient;
  let reporter: GitHubReporter;
  let octokit: Octokit;
  const ctx = { signal: new AbortController().signal, log: SILENT };

  beforeAll(async () => {
    emulator = await startGitHubEmulator({ port: 0, tokens: [TOKEN] });
    admin = new GitHubEmulatorClient(emulator.url);
    reporter = new GitHubReporter({ baseUrl: emulator.url, auth: { type: 'token', token: TOKEN }, writeIntervalMs: 0 });
    octokit = new Octokit({ baseUrl: emulator.url, auth: TOKEN });
  });
  afterAll(() => emulator.close());

  function request(mode: DeployRequest['mode']): DeployRequest {
    return {
      deliveryId: randomUUID(),
      repo: { owner: 'acme', name: `shop-${randomBytes(3).toString('hex')}`, cloneUrl: 'https://github.example/x.git' },
      ref: 'refs/heads/main',
      sha: randomBytes(20).toString('hex'),
      before: '0'.repeat(40),
      trigger: { kind: 'push' },
      environment: 'dev',
      mode,
      target: { kind: 'environment' },
      requestedAt: new Date().toISOString(),
    };
  }
  const result = (req: DeployRequest, outcome: DeployResult['outcome']): DeployResult => ({
    environment: req.environment,
    sha: req.sha,
    mode: req.mode,
    outcome,
    message: outcome === 'succeeded' ? 'configured 1' : 'Deployment/shop-dev/catalog: rollout failed',
    timings: { render: 10, apply: 30 },
    ...(outcome !== 'succeeded' && { reason: 'ProgressDeadlineExceeded' as const }),
  });

  it.each(['succeeded', 'failed'] as const)(
    'keeps a %s deploy final: the commit status stays final and the check run completed',
    async (outcome) => {
      const req = request('apply');
      const final = resultReport(req, 7, result(req, outcome));

      await publishReportJob(final, reporter, ctx);
      await publishReportJob(pendingReport(req, 7), reporter, ctx);

      const repo = { owner: req.repo.owner, repo: req.repo.name };
      const { data: combined } = await octokit.repos.getCombinedStatusForRef({ ...repo, ref: req.sha });
      expect(combined.statuses.map((status) => [status.context, status.state])).toEqual([['deploy/dev', final.state]]);
      const { data } = await octokit.checks.listForRef({ ...repo, ref: req.sha, filter: 'all' });
      expect(data.check_runs.map((run) => [run.status, run.conclusion])).toEqual([
        ['completed', outcome === 'succeeded' ? 'success' : 'failure'],
      ]);
      expect(data.check_runs[0]?.output.title).toBe(final.description);
      const writes = (await admin.calls()).filter(
        (call) => call.path.startsWith(`/repos/${repo.owner}/${repo.repo}/`) && call.method !== 'GET',
      );
      expect(writes.every((call) => call.status < 300)).toBe(true);
      // The check run first, then the deployment that links to it, then the status that people and tools wait on;
      // the late pending writes nothing (no `queued` over the outcome either).
      expect(writes.map((call) => call.operationId)).toEqual([
        'checks/create',
        'repos/create-deployment',
        'repos/create-deployment-status',
        'repos/create-commit-status',
      ]);
    },
  );

  it("keeps a pull request's finished diff check run completed", async () => {
    const req = request('dry-run');
    await publishReportJob(resultReport(req, 3, result(req, 'succeeded')), reporter, ctx);

    await publishReportJob(pendingReport(req, 3), reporter, ctx);

    const { data } = await octokit.checks.listForRef({ owner: req.repo.owner, repo: req.repo.name, ref: req.sha });
    expect(data.check_runs.map((run) => [run.name, run.status, run.conclusion])).toEqual([
      ['diff/dev', 'completed', 'success'],
    ]);
  });

  it('still shows pending then the outcome when the reports arrive in order', async () => {
    const req = request('apply');

    await publishReportJob(pendingReport(req, 9), reporter, ctx);
    await publishReportJob(resultReport(req, 9, result(req, 'succeeded')), reporter, ctx);

    const { data } = await octokit.repos.listCommitStatusesForRef({
      owner: req.repo.owner,
      repo: req.repo.name,
      ref: req.sha,
    });
    expect(data.map((status) => status.state).reverse()).toEqual(['pending', 'success']);
  });
});

describe('the report job log line', () => {
  let emulator: GitHubEmulator;
  let reporter: GitHubReporter;

  beforeAll(async () => {
    emulator = await startGitHubEmulator({ port: 0, tokens: [TOKEN] });
    reporter = new GitHubReporter({ baseUrl: emulator.url, auth: { type: 'token', token: TOKEN }, writeIntervalMs: 0 });
  });
  afterAll(() => emulator.close());

  it('says what was written, and carries each key once under the job logger', async () => {
    const lines: string[] = [];
    // As adapters/queue/stage-workers.ts binds a report job's logger.
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) }).child({ state: 'failure' });
    const req: DeployRequest = {
      deliveryId: randomUUID(),
      repo: { owner: 'acme', name: `shop-${randomBytes(3).toString('hex')}`, cloneUrl: 'https://github.example/x.git' },
      ref: 'refs/heads/main',
      sha: randomBytes(20).toString('hex'),
      before: '0'.repeat(40),
      trigger: { kind: 'push' },
      environment: 'dev',
      mode: 'apply',
      target: { kind: 'environment' },
      requestedAt: new Date().toISOString(),
    };
    const failed: DeployResult = {
      environment: 'dev',
      sha: req.sha,
      mode: 'apply',
      outcome: 'failed',
      message: 'Deployment/shop-dev/catalog: rollout failed',
      timings: {},
      reason: 'ProgressDeadlineExceeded',
    };
    const ctx = { signal: new AbortController().signal, log };

    await publishReportJob(resultReport(req, 1, failed), reporter, ctx);
    await publishReportJob(resultReport(req, 1, failed), reporter, ctx);

    const keyCounts = lines.map((line) => (line.match(/"state":/g) ?? []).length);
    expect(keyCounts).toEqual([1, 1]);
    // The replay posts no second status nor deployment; the check run is written again (GitHub has no cheap equality
    // check for it).
    expect(lines.map((line) => JSON.parse(line) as object)).toEqual([
      expect.objectContaining({
        msg: 'reported failure to GitHub',
        writes: { checkRun: 'created', deployment: 'created', status: 'created' },
      }),
      expect.objectContaining({
        msg: 'reported failure to GitHub',
        writes: { checkRun: 'updated', deployment: 'unchanged', status: 'unchanged' },
      }),
    ]);
  });
});
