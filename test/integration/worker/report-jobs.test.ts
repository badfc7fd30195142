import { randomBytes, randomUUID } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { GitHubReporter } from '../../../adapters/github/index.js';
import type { DeployRequest } from '../../../core/deploy/deploy-request.js';
import { Reason } from '../../../core/reasons.js';
import {
  canaryProgressReport,
  pendingReport,
  publishReportJob,
  resultReport,
  runningReport,
} from '../../../worker/report-jobs.js';
import type { CanaryProgress } from '../../../core/release/release.js';
import type { DeployResult } from '../../../worker/stages/deploy-environment.js';
import { GitHubEmulatorClient, ResponseValidator, type RecordedCall } from '../../platform/github-emulator/index.js';
import { OpenApiDescription } from '../../platform/github-emulator/openapi-description.js';
import { need } from '../../platform/connect.js';
import { SILENT } from './worker-test-kit.js';

const sha = () => randomBytes(20).toString('hex');
const deployment = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop-dev', name: 'catalog' };

describe('reporting deploy results to GitHub through the report jobs (the GitHub emulator, every request checked against the OpenAPI description)', () => {
  let admin: GitHubEmulatorClient;
  let reporter: GitHubReporter;
  let validator: ResponseValidator;
  let owner: string;
  const ctx = { signal: new AbortController().signal, log: SILENT };
  const report = (req: DeployRequest, result?: DeployResult) =>
    publishReportJob(result === undefined ? pendingReport(req, 1) : resultReport(req, 1, result), reporter, ctx);

  beforeAll(() => {
    const github = need('github');
    admin = new GitHubEmulatorClient(github.url);
    reporter = new GitHubReporter({ baseUrl: github.url, auth: { type: 'token', token: github.token }, writeIntervalMs: 0 });
    validator = new ResponseValidator(OpenApiDescription.shared());
  });
  beforeEach(() => {
    owner = `acme-${randomBytes(3).toString('hex')}`;
  });

  /** The calls made for this test's repository, each checked: accepted by the schema, and answered as GitHub would. */
  async function callsFor(operationId: string): Promise<RecordedCall[]> {
    const calls = (await admin.calls({ operationId })).filter((call) => call.path.startsWith(`/repos/${owner}/`));
    for (const call of calls) {
      expect(call.status).toBeLessThan(300);
      expect(validator.check(operationId, call.status, call.responseBody)).toEqual({ kind: 'valid' });
    }
    return calls;
  }

  function request(commit: string, overrides: Partial<DeployRequest> = {}): DeployRequest {
    return {
      deliveryId: randomUUID(),
      repo: { owner, name: 'shop', cloneUrl: 'https://github.example/acme/shop.git' },
      ref: 'refs/heads/main',
      sha: commit,
      before: '0'.repeat(40),
      trigger: { kind: 'push' },
      environment: 'dev',
      mode: 'apply',
      target: { kind: 'environment' },
      requestedAt: new Date().toISOString(),
      ...overrides,
    };
  }

  const changeSet = {
    entries: [
      {
        action: 'configured' as const,
        ref: deployment,
        diff: [
          {
            kind: 'changed' as const,
            path: '/spec/template/spec/containers/0/image',
            before: 'catalog:1',
            after: 'catalog:2',
          },
        ],
      },
      { action: 'unchanged' as const, ref: { ...deployment, kind: 'Service', group: '' } },
    ],
  };

  it('marks a deploy pending, then successful: deploy/<env> statuses and one check run, external id <env>:<sha>, updated in place', async () => {
    const commit = sha();
    const req = request(commit);
    const health = {
      status: 'Healthy' as const,
      reason: Reason.Ready,
      message: 'all 1 object healthy',
      counts: { Healthy: 1, Progressing: 0, Unknown: 0, Degraded: 0 },
      unhealthy: [],
    };
    const result: DeployResult = {
      environment: 'dev',
      sha: commit,
      mode: 'apply',
      outcome: 'succeeded',
      message: 'configured 1',
      changeSet,
      health,
      timings: { render: 12, apply: 40, rollout: 900 },
      revision: 4,
    };

    await report(req);
    await report(req, result);

    const statuses = await callsFor('repos/create-commit-status');
    expect(statuses.map((call) => call.requestBody)).toEqual([
      expect.objectContaining({ context: 'deploy/dev', state: 'pending' }),
      expect.objectContaining({
        context: 'deploy/dev',
        state: 'success',
        description: expect.stringContaining('1 configured'),
      }),
    ]);
    const creates = await callsFor('checks/create');
    expect(creates).toHaveLength(1);
    const [create] = creates;
    expect(create?.requestBody).toMatchObject({
      name: 'deploy/dev',
      external_id: `dev:${commit}`,
      head_sha: commit,
      status: 'in_progress',
    });
    const [update] = await callsFor('checks/update');
    expect(update?.requestBody).toMatchObject({ status: 'completed', conclusion: 'success' });
    const summary = (update?.requestBody as { output: { summary: string } }).output.summary;
    expect(summary).toContain('`Deployment/shop-dev/catalog`');
    expect(summary).toContain('spec.template.spec.containers[0].image');
  });

  it('reports a rolled-back deploy as a failure that says which commit it rolled back to', async () => {
    const commit = sha();
    const good = sha();
    const result: DeployResult = {
      environment: 'dev',
      sha: commit,
      mode: 'apply',
      outcome: 'rolled-back',
      reason: Reason.ProgressDeadlineExceeded,
      message: 'Deployment/shop-dev/catalog: rollout exceeded its progress deadline; rolled back to revision 3',
      ref: deployment,
      changeSet,
      timings: { rollout: 5_000, rollback: 1_200 },
      revision: 4,
      rolledBackTo: { revision: 3, sha: good },
    };

    await report(request(commit), result);

    const [status] = await callsFor('repos/create-commit-status');
    expect(status?.requestBody).toMatchObject({ context: 'deploy/dev', state: 'failure' });
    expect((status?.requestBody as { description: string }).description).toContain(
      `rolled back to ${good.slice(0, 7)}`,
    );
    const [check] = await callsFor('checks/create');
    expect(check?.requestBody).toMatchObject({ status: 'completed', conclusion: 'failure' });
    const output = (check?.requestBody as { output: { title: string; summary: string } }).output;
    expect(output.title).toContain(`rolled back to ${good.slice(0, 7)}`);
    expect(output.summary).toContain('ProgressDeadlineExceeded');
  });

  it('reports a failed rollback as an error', async () => {
    const commit = sha();
    const result: DeployResult = {
      environment: 'dev',
      sha: commit,
      mode: 'apply',
      outcome: 'rollback-failed',
      reason: Reason.RollbackFailed,
      message: 'rolling back failed too',
      timings: {},
      revision: 9,
    };

    await report(request(commit), result);

    const [status] = await callsFor('repos/create-commit-status');
    expect(status?.requestBody).toMatchObject({ state: 'error' });
  });

  const succeeded = (commit: string, environment = 'dev'): DeployResult => ({
    environment,
    sha: commit,
    mode: 'apply',
    outcome: 'succeeded',
    message: 'configured 1',
    changeSet,
    timings: {},
    revision: 1,
  });

  /** The deployments and their statuses (newest first) this test's repository has, as GitHub answers them. */
  async function deploymentsOf(environment: string): Promise<{ id: number; body: unknown; states: string[] }[]> {
    const creates = await callsFor('repos/create-deployment');
    const statuses = await callsFor('repos/create-deployment-status');
    return creates
      .filter((call) => (call.requestBody as { environment: string }).environment === environment)
      .map((call) => {
        const id = (call.responseBody as { id: number }).id;
        const states = statuses
          .filter((status) => status.path.endsWith(`/deployments/${id}/statuses`))
          .map((status) => (status.requestBody as { state: string }).state);
        return { id, body: call.requestBody, states };
      });
  }

  it('updates the check run at each canary step as it is recorded, then completes it; the Deployment stays in progress meanwhile', async () => {
    const commit = sha();
    const req = request(commit, { environment: 'staging' });
    const walking = (step: number, canary: number, checks: CanaryProgress['gates']): CanaryProgress => ({
      app: 'catalog',
      provider: 'gateway-api',
      phase: 'stepping',
      step,
      steps: 2,
      weights: { stable: 100 - canary, canary },
      stepStartedAt: '2026-12-04T10:00:00.000Z',
      restartsAtStart: 0,
      failedChecks: 0,
      inconclusiveChecks: 0,
      gates: checks,
    });
    const passed = { step: 0, verdict: 'pass' as const, findings: ['canary ready 2/2'], at: '2026-12-04T10:00:05.000Z', weights: { stable: 80, canary: 20 } };

    await publishReportJob(pendingReport(req, 1), reporter, ctx);
    await publishReportJob(runningReport(req, 1), reporter, ctx);
    await publishReportJob(canaryProgressReport(req, 1, [walking(0, 20, [])]), reporter, ctx);
    await publishReportJob(canaryProgressReport(req, 1, [walking(1, 50, [passed])]), reporter, ctx);
    await publishReportJob(resultReport(req, 1, succeeded(commit, 'staging')), reporter, ctx);

    const updates = (await callsFor('checks/update')).map(
      (call) => call.requestBody as { status: string; output?: { summary: string } },
    );
    const steps = updates.map((update) => update.output?.summary.match(/^\| catalog \|.*$/gm) ?? []);
    expect(updates.map((update) => update.status)).toEqual(['in_progress', 'in_progress', 'in_progress', 'completed']);
    expect(steps.slice(1, 3)).toEqual([
      ['| catalog | gateway-api | 1 of 2 (now) | 80/20 | 0 | not checked yet |'],
      [
        '| catalog | gateway-api | 1 of 2 | 80/20 | 1 | ✅ pass: canary ready 2/2 |',
        '| catalog | gateway-api | 2 of 2 (now) | 50/50 | 0 | not checked yet |',
      ],
    ]);
    const [deployment] = await deploymentsOf('staging');
    expect(deployment?.states).toEqual(['queued', 'in_progress', 'success']);
  });

  it('makes a deploy a GitHub Deployment of the environment: queued, in progress, then success, its log the check run', async () => {
    const commit = sha();
    const req = request(commit);

    await report(req);
    await publishReportJob(runningReport(req, 1), reporter, ctx);
    await report(req, succeeded(commit));

    const [deployment, ...others] = await deploymentsOf('dev');
    expect(others).toHaveLength(0);
    expect(deployment?.body).toMatchObject({
      ref: commit,
      environment: 'dev',
      auto_merge: false,
      required_contexts: [],
      production_environment: false,
      transient_environment: false,
    });
    expect(deployment?.states).toEqual(['queued', 'in_progress', 'success']);
    const statuses = await callsFor('repos/create-commit-status');
    expect(statuses.map((call) => (call.requestBody as { state: string }).state)).toEqual(['pending', 'success']);
    const [check] = await callsFor('checks/create');
    const checkUrl = (check?.responseBody as { html_url: string }).html_url;
    expect(checkUrl).toMatch(/^https?:\/\//);
    const [, , success] = await callsFor('repos/create-deployment-status');
    expect(success?.requestBody).toMatchObject({ state: 'success', log_url: checkUrl });
  });

  it('writes no queued or in_progress over an outcome when a pending or running report comes back late', async () => {
    const commit = sha();
    const req = request(commit);

    await report(req, succeeded(commit));
    await report(req);
    await publishReportJob(runningReport(req, 1), reporter, ctx);

    const [deployment] = await deploymentsOf('dev');
    expect(deployment?.states).toEqual(['success']);
  });

  it('marks the older production deployment inactive once a newer one succeeds (GitHub does not for production)', async () => {
    const older = sha();
    const newer = sha();
    const production = (commit: string) => request(commit, { environment: 'production', ref: 'refs/heads/release' });

    await report(production(older), succeeded(older, 'production'));
    await report(production(newer), succeeded(newer, 'production'));

    const deployments = await deploymentsOf('production');
    expect(deployments.map((deployment) => deployment.body)).toEqual([
      expect.objectContaining({ ref: older, production_environment: true }),
      expect.objectContaining({ ref: newer, production_environment: true }),
    ]);
    expect(deployments.map((deployment) => deployment.states)).toEqual([['success', 'inactive'], ['success']]);
  });

  it('marks a superseded request\'s deployment inactive, and makes none for a dry run', async () => {
    const commit = sha();
    const req = request(commit);
    await report(req);
    await publishReportJob(
      { request: req, sequence: 1, state: 'superseded', description: 'superseded by 1234567' },
      reporter,
      ctx,
    );
    const dry = sha();
    await report(request(dry, { mode: 'dry-run' }), { ...succeeded(dry), mode: 'dry-run' });

    const deployments = await deploymentsOf('dev');
    expect(deployments.map((deployment) => [(deployment.body as { ref: string }).ref, deployment.states])).toEqual([
      [commit, ['queued', 'inactive']],
    ]);
  });

  describe('the pull request comment (one per pull request, every environment of the head commit)', () => {
    const pullRequest = (commit: string, environment: string): DeployRequest =>
      request(commit, {
        environment,
        mode: 'dry-run',
        ref: 'refs/pull/7/head',
        trigger: { kind: 'pull_request', number: 7, headSha: commit, baseRef: 'main', headRef: 'feature', fromFork: false },
      });
    const planned = (commit: string, environment: string): DeployResult => ({
      ...succeeded(commit, environment),
      mode: 'dry-run',
    });
    const diff = (commit: string, environment: string, sequence: number) =>
      publishReportJob(resultReport(pullRequest(commit, environment), sequence, planned(commit, environment)), reporter, ctx);
    const octokit = () => new Octokit({ baseUrl: need('github').url, auth: need('github').token });
    const comments = async () => {
      const { data } = await octokit().issues.listComments({ owner, repo: 'shop', issue_number: 7 });
      return data;
    };

    it('gathers the environments into one comment, edits it for a new head, refuses a stale one, and recreates it when deleted', async () => {
      const first = sha();
      await diff(first, 'dev', 1);
      await diff(first, 'staging', 1);
      const [comment, ...more] = await comments();
      expect(more).toHaveLength(0);
      expect(comment?.body).toContain('### dev');
      expect(comment?.body).toContain('### staging');
      expect(comment?.body).toContain('Deployment/shop-dev/catalog');

      const second = sha();
      await diff(second, 'dev', 2);
      await diff(first, 'staging', 1); // a retried report of the older head, arriving late
      const [edited, ...extra] = await comments();
      expect(extra).toHaveLength(0);
      expect(edited?.id).toBe(comment?.id);
      expect(edited?.body).toContain(second.slice(0, 7));
      expect(edited?.body).not.toContain('### staging');

      // A new process finds the same comment by its marker: nothing about it lives in memory.
      const restarted = new GitHubReporter({ baseUrl: need('github').url, auth: { type: 'token', token: need('github').token }, writeIntervalMs: 0 });
      await publishReportJob(resultReport(pullRequest(second, 'staging'), 2, planned(second, 'staging')), restarted, ctx);
      const [found] = await comments();
      expect(found?.id).toBe(comment?.id);
      expect(found?.body).toContain('### staging');

      await octokit().issues.deleteComment({ owner, repo: 'shop', comment_id: comment!.id });
      await diff(second, 'dev', 2);
      const recreated = await comments();
      expect(recreated).toHaveLength(1);
      expect(recreated[0]?.id).not.toBe(comment?.id);
    });

    it("shows the preview's state as it goes (deploying, then healthy with its namespace and URLs), beside the diff", async () => {
      const head = sha();
      const previewRequest = request(head, {
        ref: 'refs/pull/7/head',
        trigger: { kind: 'pull_request', number: 7, headSha: head, baseRef: 'main', headRef: 'feature', fromFork: false },
        target: { kind: 'preview', namespace: 'shop-pr-7' },
      });
      await diff(head, 'dev', 3);
      await publishReportJob(pendingReport(previewRequest, 3), reporter, ctx);
      const [deploying] = await comments();
      expect(deploying?.body).toContain('Preview `pr-7/dev`: **deploying**');
      expect(deploying?.body).toContain('Deployment/shop-dev/catalog');

      const preview = {
        environmentName: 'pr-7/dev',
        transient: true as const,
        pullRequest: 7,
        namespace: 'shop-pr-7',
        urls: ['catalog.shop-pr-7.svc.cluster.local'],
        skipped: [{ group: '', version: 'v1', kind: 'Namespace', name: 'shop-dev' }],
        ignoredConfig: ['preview'],
      };
      await publishReportJob(resultReport(previewRequest, 3, { ...succeeded(head), preview }), reporter, ctx);
      // A `running` report retried after the outcome changes nothing.
      await publishReportJob(runningReport(previewRequest, 3), reporter, ctx);
      const [healthy, ...more] = await comments();
      expect(more).toHaveLength(0);
      expect(healthy?.id).toBe(deploying?.id);
      expect(healthy?.body).toContain(`Preview \`pr-7/dev\`: **healthy** at \`${head.slice(0, 7)}\`, namespace \`shop-pr-7\``);
      expect(healthy?.body).toContain('- `catalog.shop-pr-7.svc.cluster.local`');
      expect(healthy?.body).toContain('Not applied (cluster-scoped): `Namespace/shop-dev`');
      expect(healthy?.body).toContain('This pull request changes env.yaml (`preview`): not used for its own preview');
      expect(healthy?.body).toContain('Deployment/shop-dev/catalog');
      // Each part links its own check run: the preview's and the diff's.
      expect(healthy?.body?.match(/\[check run\]\(/g)).toHaveLength(2);
    });

    it("tells a fork's pull request why it has no preview, and which label a maintainer adds", async () => {
      const head = sha();
      const fork = {
        ...pullRequest(head, 'dev'),
        trigger: { kind: 'pull_request' as const, number: 7, headSha: head, baseRef: 'main', headRef: 'feature', fromFork: true },
        previewWithheld: { reason: 'fork' as const, forkLabel: 'safe-to-preview' },
      };
      await publishReportJob(resultReport(fork, 4, planned(head, 'dev')), reporter, ctx);
      const [comment] = await comments();
      expect(comment?.body).toContain('No preview: this pull request comes from a fork');
      expect(comment?.body).toContain('adds the label `safe-to-preview`');
      expect(comment?.body).not.toContain('Preview `pr-7/dev`');
    });
  });
});
