// reportPlanFailure against the GitHub emulator (every request checked against GitHub's OpenAPI description), with
// its fault injection for the failures a correct request cannot provoke.
import { randomBytes, randomUUID } from 'node:crypto';
import { GitHubApiError, GitHubReporter } from '../../../adapters/github/index.js';
import { DeployError } from '../../../core/deploy-error.js';
import type { GitHubDelivery } from '../../../core/deploy/map-github-event.js';
import { Reason } from '../../../core/reasons.js';
import { PLAN_CONTEXT } from '../../../core/report/plan-failure.js';
import { planCheckRunExternalId, reportPlanFailure } from '../../../worker/stages/report-plan-failure.js';
import {
  buildPullRequestPayload,
  buildPushPayload,
  GitHubEmulatorClient,
  ResponseValidator,
  startGitHubEmulator,
  ZERO_SHA,
  type GitHubEmulator,
  type RecordedCall,
} from '../../platform/github-emulator/index.js';
import { OpenApiDescription } from '../../platform/github-emulator/openapi-description.js';
import { SILENT } from './worker-test-kit.js';

const TOKEN = 'ghp_planFailureTestToken';
const sha = () => randomBytes(20).toString('hex');
const invalidConfig = new DeployError(
  Reason.InvalidConfig,
  'environments/dev/env.yaml is invalid (1 problem):\n  environments/dev/env.yaml: rollout.timeout: must be a duration such as 30s, 5m or 1h30m (units ms, s, m, h), not "soon"',
);

describe('reportPlanFailure: a plan that failed for good, told to GitHub as deploy/plan', () => {
  let emulator: GitHubEmulator;
  let admin: GitHubEmulatorClient;
  let validator: ResponseValidator;
  let name: string;
  const ctx = { signal: new AbortController().signal, log: SILENT };

  beforeAll(async () => {
    emulator = await startGitHubEmulator({ port: 0, tokens: [TOKEN] });
    admin = new GitHubEmulatorClient(emulator.url);
    validator = new ResponseValidator(OpenApiDescription.shared());
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(async () => {
    await admin.reset();
    name = `shop-${randomBytes(3).toString('hex')}`;
  });

  const reporterVia = (url: string) =>
    new GitHubReporter(
      { baseUrl: url, auth: { type: 'token', token: TOKEN }, retry: { attempts: 2, maxWaitMs: 1_000 } },
      { initialRetryDelayMs: 10 },
    );
  const repository = () => ({ owner: 'acme', name, cloneUrl: 'https://github.example/acme/shop.git' });
  const push = (after: string): GitHubDelivery => ({
    event: 'push',
    deliveryId: randomUUID(),
    receivedAt: new Date().toISOString(),
    payload: buildPushPayload({ repository: repository(), ref: 'refs/heads/main', before: ZERO_SHA, after }),
  });

  /** The writes made, each accepted by the schema and answered as GitHub would. */
  async function writes(): Promise<RecordedCall[]> {
    const calls = (await admin.calls()).filter((call) => call.method !== 'GET');
    expect(calls.every((call) => call.path.startsWith(`/repos/acme/${name}/`))).toBe(true);
    for (const call of calls) {
      expect(call.status).toBeLessThan(300);
      expect(validator.check(call.operationId ?? '', call.status, call.responseBody)).toEqual({ kind: 'valid' });
    }
    return calls;
  }

  it('fails the pushed commit: a deploy/plan failure status and a completed, failed check run naming the file and field', async () => {
    const after = sha();

    const outcome = await reportPlanFailure(push(after), invalidConfig, reporterVia(emulator.url), ctx);

    expect(outcome).toBe('reported');
    // The check run is written before the status that people and tools wait on.
    const [check, status] = await writes();
    expect(status?.requestBody).toMatchObject({
      context: PLAN_CONTEXT,
      state: 'failure',
      description: expect.stringContaining('environments/dev/env.yaml: rollout.timeout: must be a duration'),
    });
    expect(check?.operationId).toBe('checks/create');
    expect(check?.requestBody).toMatchObject({
      name: PLAN_CONTEXT,
      head_sha: after,
      external_id: planCheckRunExternalId(after),
      status: 'completed',
      conclusion: 'failure',
    });
    expect((check?.requestBody as { output: { summary: string } }).output.summary).toContain('not "soon"');
  });

  it('writes nothing twice when the plan job runs again', async () => {
    const delivery = push(sha());
    const reporter = reporterVia(emulator.url);

    await reportPlanFailure(delivery, invalidConfig, reporter, ctx);
    await reportPlanFailure(delivery, invalidConfig, reporter, ctx);

    expect((await writes()).map((call) => call.operationId)).toEqual([
      'checks/create',
      'repos/create-commit-status',
      'checks/update',
    ]);
  });

  it("puts a pull request's failure on its head commit as a check run only, naming the base commit whose configuration was read", async () => {
    const head = sha();
    const base = sha();
    const delivery: GitHubDelivery = {
      event: 'pull_request',
      deliveryId: randomUUID(),
      receivedAt: new Date().toISOString(),
      payload: buildPullRequestPayload({
        repository: repository(),
        action: 'opened',
        number: 7,
        head: { ref: 'feature', sha: head },
        base: { ref: 'main', sha: base },
      }),
    };

    await reportPlanFailure(delivery, invalidConfig, reporterVia(emulator.url), ctx);

    const calls = await writes();
    expect(calls.map((call) => call.operationId)).toEqual(['checks/create']);
    expect(calls[0]?.requestBody).toMatchObject({ head_sha: head, name: PLAN_CONTEXT, conclusion: 'failure' });
    expect((calls[0]?.requestBody as { output: { summary: string } }).output.summary).toContain(
      `base commit ${base.slice(0, 7)}`,
    );
  });

  it('throws a retryable error while GitHub is unavailable, so the plan job is retried and reports then', async () => {
    await admin.injectFault({ count: 10, status: 503 });

    const error = await reportPlanFailure(push(sha()), invalidConfig, reporterVia(emulator.url), ctx).catch(
      (e: unknown) => e,
    );

    await admin.clearFaults();
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ status: 503, terminal: false });
  });

  it('gives up quietly when GitHub refuses the report for good: the plan error is what the job fails with', async () => {
    await admin.injectFault({ count: 1, status: 403, message: 'Resource not accessible by integration' });

    const outcome = await reportPlanFailure(push(sha()), invalidConfig, reporterVia(emulator.url), ctx);

    expect(outcome).toBe('refused');
  });

  it('reports nothing for a delivery that names no commit', async () => {
    const delivery: GitHubDelivery = { event: 'push', deliveryId: randomUUID(), receivedAt: '', payload: {} };

    expect(await reportPlanFailure(delivery, invalidConfig, reporterVia(emulator.url), ctx)).toBe('unreportable');
    expect(await admin.calls()).toEqual([]);
  });
});
