import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { GitHubApiError, GitHubReporter, type CommitState, type GitHubLogger, type RepoRef } from '../../../adapters/github/index.js';
import { GitHubEmulatorClient, startGitHubEmulator, type GitHubEmulator } from '../../platform/github-emulator/index.js';

const TOKEN = 'ghp_errorsTestTokenValue';
const sha = () => randomBytes(20).toString('hex');

interface LogLine {
  readonly level: 'info' | 'warn';
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

function recordingLogger(): GitHubLogger & { lines: LogLine[]; warnings: object[] } {
  const lines: LogLine[] = [];
  const record = (level: LogLine['level']) => (fields: object, message: string) => {
    lines.push({ level, message, fields: fields as Record<string, unknown> });
  };
  return {
    lines,
    get warnings() {
      return lines.filter((line) => line.message === 'GitHub request failed').map((line) => line.fields);
    },
    info: record('info'),
    warn: record('warn'),
  };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('GitHubReporter errors: terminal at once, transient retried', () => {
  let emulator: GitHubEmulator;
  let admin: GitHubEmulatorClient;
  let repo: RepoRef;

  beforeAll(async () => {
    emulator = await startGitHubEmulator({ port: 0, tokens: [TOKEN] });
    admin = new GitHubEmulatorClient(emulator.url);
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(async () => {
    await admin.reset();
    repo = { owner: 'acme', repo: `gitops-${randomBytes(3).toString('hex')}` };
  });

  const reporterVia = (url: string, logger?: GitHubLogger, maxWaitMs = 5_000) =>
    new GitHubReporter({ baseUrl: url, auth: { type: 'token', token: TOKEN }, retry: { attempts: 3, maxWaitMs }, writeIntervalMs: 0 }, { logger, initialRetryDelayMs: 10 });
  const status = (state: CommitState = 'pending') => ({ sha: sha(), environment: 'dev', state, description: 'x' });

  it('surfaces a request GitHub\'s schema rejects as a terminal error carrying GitHub\'s message, without retrying', async () => {
    const error = await reporterVia(emulator.url)
      .setCommitStatus(repo, status('bogus' as CommitState))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ code: 'invalid', status: 422, reason: 'ValidationFailed', terminal: true });
    expect((error as Error).message).toMatch(/^GitHub set deploy\/dev=bogus on acme\/gitops-\w+@\w{7} failed \(422\): Invalid request\./);
    expect((error as Error).message).toContain(`"bogus" is not one of`);
    expect(await admin.calls({ operationId: 'repos/create-commit-status' })).toHaveLength(1);
  });

  it('reports refused credentials as terminal "unauthorized" and never shows the token', async () => {
    const reporter = new GitHubReporter({ baseUrl: emulator.url, auth: { type: 'token', token: `${TOKEN}-revoked` } });

    const error = await reporter.setCommitStatus(repo, status()).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'unauthorized', status: 401, reason: 'Forbidden', terminal: true });
    expect((error as Error).message).toContain('Bad credentials');
    expect(inspect(error, { depth: 8 })).not.toContain(TOKEN);
  });

  it('reports a deployment that does not exist as terminal "not-found", without retrying, and logs that nothing was written', async () => {
    const logger = recordingLogger();
    const error = await reporterVia(emulator.url, logger).setDeploymentStatus(repo, { deploymentId: 987654, state: 'success' }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'not-found', status: 404, reason: 'NotFound', terminal: true });
    expect(await admin.calls({ operationId: 'repos/list-deployment-statuses' })).toHaveLength(1);
    expect(logger.lines).toEqual([
      { level: 'warn', message: 'GitHub write failed: GitHub may not show it', fields: expect.objectContaining({ status: 404, code: 'not-found', retryable: false }) },
    ]);
  });

  it('retries 5xx answers and succeeds once GitHub recovers', async () => {
    const logger = recordingLogger();
    await admin.injectFault({ count: 2, status: 502, message: 'Server Error' });

    await expect(reporterVia(emulator.url, logger).setCommitStatus(repo, status())).resolves.toBe('created');

    expect(logger.warnings).toEqual([
      expect.objectContaining({ status: 502, code: 'server-error', attempt: 1 }),
      expect.objectContaining({ status: 502, code: 'server-error', attempt: 2 }),
    ]);
    expect(logger.lines.at(-1)).toMatchObject({ level: 'info', message: 'GitHub write done: created' });
    expect(await admin.calls({ operationId: 'repos/create-commit-status' })).toHaveLength(1);
  });

  it('does not repeat a check run create that got a 5xx (GitHub may have made it): it fails retryable, and the retried call finds no duplicate', async () => {
    const logger = recordingLogger();
    const commit = sha();
    const input = { sha: commit, name: 'deploy/dev', externalId: `dev:${commit}`, title: 'dev', summary: 's', progress: { status: 'in_progress' } } as const;
    // The lookup is served; the create is answered 502.
    await admin.injectFault({ count: 1, status: 502, message: 'Server Error', method: 'POST', path: '/check-runs$' });

    const error = await reporterVia(emulator.url, logger).upsertCheckRun(repo, input).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'server-error', status: 502, retryable: true });
    expect(logger.lines.at(-1)).toMatchObject({ level: 'warn', message: 'GitHub write failed: GitHub may not show it' });
    expect(logger.lines.some((line) => line.message.startsWith('GitHub write done'))).toBe(false);
    await expect(reporterVia(emulator.url).upsertCheckRun(repo, input)).resolves.toMatchObject({ outcome: 'created' });
    expect(await admin.calls({ operationId: 'checks/create' })).toHaveLength(1);
  });

  it('gives up after its attempts with a retryable error when GitHub keeps failing', async () => {
    await admin.injectFault({ count: 100, status: 503 });

    const error = await reporterVia(emulator.url).setCommitStatus(repo, status()).catch((e: unknown) => e);
    const { injected } = await admin.faults();
    await admin.clearFaults();

    expect(error).toMatchObject({ code: 'server-error', status: 503, reason: 'ApiServerError', terminal: false, retryable: true });
    expect(injected).toBe(3);
  });

  it('waits as long as retry-after asks on a 429 secondary rate limit, then succeeds', async () => {
    const logger = recordingLogger();
    await admin.injectFault({ count: 1, status: 429, headers: { 'retry-after': '1' }, message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' });
    const started = Date.now();

    await expect(reporterVia(emulator.url, logger).setCommitStatus(repo, status())).resolves.toBe('created');

    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(logger.lines).toContainEqual({ level: 'warn', message: 'GitHub rate limit: waiting as GitHub asked, then retrying', fields: expect.objectContaining({ limit: 'secondary', waitMs: 1_000, attempt: 1 }) });
    expect(await admin.calls({ operationId: 'repos/create-commit-status' })).toHaveLength(1);
  });

  it('waits for the primary rate-limit window to reset, then succeeds', async () => {
    const reset = Math.floor(Date.now() / 1000) + 1;
    await admin.injectFault({ count: 1, status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) }, message: 'API rate limit exceeded for installation ID 1.' });

    await expect(reporterVia(emulator.url).setCommitStatus(repo, status())).resolves.toBe('created');

    expect(Date.now()).toBeGreaterThanOrEqual(reset * 1000);
  });

  it('treats a 403 secondary rate limit as retryable, and a plain 403 as terminal', async () => {
    await admin.injectFault({ count: 1, status: 403, headers: { 'retry-after': '1' }, message: 'You have exceeded a secondary rate limit.' });
    await expect(reporterVia(emulator.url).setCommitStatus(repo, status())).resolves.toBe('created');

    await admin.injectFault({ count: 1, status: 403, message: 'Resource not accessible by integration' });
    const error = await reporterVia(emulator.url).setCommitStatus(repo, status()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'forbidden', status: 403, terminal: true });
    expect((error as Error).message).toContain('Resource not accessible by integration');
  });

  it('does not sit out a long rate-limit window: it fails retryable with the wait, for the queue to delay the job', async () => {
    await admin.injectFault({ count: 1, status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1800) }, message: 'API rate limit exceeded' });

    const logger = recordingLogger();
    const error = await reporterVia(emulator.url, logger, 5_000).setCommitStatus(repo, status()).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'rate-limited', reason: 'RateLimited', retryable: true });
    expect((error as GitHubApiError).retryAfterMs).toBeGreaterThan(1_700_000);
    expect(logger.lines.map((line) => line.message)).toEqual([
      'GitHub request failed',
      'GitHub rate limit: the wait exceeds retry.maxWaitMs; failing retryable for the queue to delay the job',
      'GitHub write failed: GitHub may not show it',
    ]);
    expect(await admin.calls({ operationId: 'repos/create-commit-status' })).toHaveLength(0);
  });

  it('reports an unreachable GitHub as retryable "unreachable"', async () => {
    const error = await reporterVia(`http://127.0.0.1:${await closedPort()}`).setCommitStatus(repo, status()).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'unreachable', retryable: true });
  });

  it('stops retrying with the abort reason when the job is cancelled during a wait', async () => {
    const controller = new AbortController();
    const logger = recordingLogger();
    const cancelling: GitHubLogger = { info: logger.info, warn: (fields, message) => {
      logger.warn(fields, message);
      if (message === 'GitHub request failed') controller.abort(new Error('job cancelled'));
    } };
    await admin.injectFault({ count: 3, status: 502, message: 'Server Error' });

    await expect(reporterVia(emulator.url, cancelling).setCommitStatus(repo, status(), { signal: controller.signal })).rejects.toThrow('job cancelled');

    expect(await admin.faults()).toEqual({ pending: 2, injected: 1 });
    expect(await admin.calls({ operationId: 'repos/create-commit-status' })).toHaveLength(0);
    expect(logger.lines.some((line) => line.message.startsWith('GitHub write done'))).toBe(false);
    await admin.clearFaults();
  });

  it('stops with the abort reason when the job is cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('job cancelled'));

    await expect(reporterVia(emulator.url).setCommitStatus(repo, status(), { signal: controller.signal })).rejects.toThrow('job cancelled');
  });
});
