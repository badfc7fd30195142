// The GitHub emulator, exercised the way the pipeline uses GitHub: through @octokit/rest and @octokit/auth-app,
// and through signed webhook deliveries. Starts its own emulator in-process; needs nothing else running.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { verify } from '@octokit/webhooks-methods';
import { GitHubEmulatorClient, type RecordedCall } from './github-emulator/client.js';
import { OpenApiDescription } from './github-emulator/openapi-description.js';
import { ResponseValidator } from './github-emulator/response-validator.js';
import { SchemaCompiler } from './github-emulator/schema-compiler.js';
import { startGitHubEmulator, type GitHubEmulator } from './github-emulator/start-github-emulator.js';
import {
  buildPingPayload,
  buildPullRequestPayload,
  buildPushPayload,
  deliverWebhook,
  HOOKSHOT_USER_AGENT,
  signWebhookBody,
  ZERO_SHA,
} from './github-emulator/webhooks.js';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
const SHA_C = 'c'.repeat(40);
const OWNER = 'acme';
const REPO = 'shop';

let emulator: GitHubEmulator;
let admin: GitHubEmulatorClient;
let octokit: Octokit;
/** Every REST call any test made, by call id, for the final check against the response schemas. */
const seenCalls = new Map<number, RecordedCall>();

/** Octokit logs every failed request; the failures here are on purpose. */
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Polls `find` until it returns something (a webhook delivery is asynchronous, as on GitHub). */
async function waitFor<T>(find: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`nothing arrived within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The status and GitHub error body of a rejected Octokit call. */
async function failureOf(promise: Promise<unknown>): Promise<{ status: number; data: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { status?: number; response?: { data?: Record<string, unknown> } };
    if (typeof e.status === 'number') return { status: e.status, data: e.response?.data ?? {} };
    throw error;
  }
  throw new Error('expected the request to be rejected, and it succeeded');
}

beforeAll(async () => {
  emulator = await startGitHubEmulator({ port: 0 });
  admin = new GitHubEmulatorClient(emulator.url);
  octokit = new Octokit({ baseUrl: emulator.url, auth: 'test-token', log: quiet });
});

afterEach(async () => {
  for (const call of await admin.calls()) seenCalls.set(call.id, call);
});

afterAll(async () => {
  await emulator.close();
});

describe('commit statuses', () => {
  it('creates a status through @octokit/rest, lists it back and records the call', async () => {
    const created = await octokit.repos.createCommitStatus({
      owner: OWNER,
      repo: REPO,
      sha: SHA_A,
      state: 'pending',
      context: 'gantry/deploy',
      description: 'rolling out',
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      state: 'pending',
      context: 'gantry/deploy',
      description: 'rolling out',
      creator: { login: 'gantry-user' },
    });

    const listed = await octokit.repos.listCommitStatusesForRef({ owner: OWNER, repo: REPO, ref: SHA_A });
    expect(listed.data.map((s) => s.id)).toContain(created.data.id);

    const calls = await admin.calls({ operationId: 'repos/create-commit-status' });
    expect(calls.at(-1)).toMatchObject({
      method: 'POST',
      path: `/repos/${OWNER}/${REPO}/statuses/${SHA_A}`,
      status: 201,
      requestBody: { state: 'pending', context: 'gantry/deploy', description: 'rolling out' },
      responseBody: { id: created.data.id },
    });
    expect(Date.parse(calls.at(-1)?.timestamp ?? '')).not.toBeNaN();
  });

  it('rejects an unknown state with a 422 in GitHub shape and stores nothing', async () => {
    const before = await octokit.repos.listCommitStatusesForRef({ owner: OWNER, repo: REPO, ref: SHA_A });
    const failure = await failureOf(
      octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', {
        owner: OWNER,
        repo: REPO,
        sha: SHA_A,
        state: 'exploded' as 'success',
      }),
    );
    expect(failure.status).toBe(422);
    expect(failure.data).toEqual({
      message: expect.stringMatching(
        /^Invalid request\.\n\nFor 'properties\/state', "exploded" is not one of \["error", "failure", "pending", "success"\]\.$/,
      ),
      documentation_url: 'https://docs.github.com/rest/commits/statuses#create-a-commit-status',
      status: '422',
    });
    const after = await octokit.repos.listCommitStatusesForRef({ owner: OWNER, repo: REPO, ref: SHA_A });
    expect(after.data).toHaveLength(before.data.length);
    const rejected = (await admin.calls({ operationId: 'repos/create-commit-status' })).at(-1);
    expect(rejected).toMatchObject({ status: 422, requestBody: { state: 'exploded' } });
  });

  it('names a missing required field the way GitHub does', async () => {
    const failure = await failureOf(
      octokit.request('POST /repos/{owner}/{repo}/statuses/{sha}', { owner: OWNER, repo: REPO, sha: SHA_A } as never),
    );
    expect(failure.status).toBe(422);
    expect(failure.data['message']).toBe(`Invalid request.\n\n"state" wasn't supplied.`);
  });

  it('combines the latest status per context, and resolves a seeded branch name to its commit', async () => {
    await admin.seedPull({
      owner: OWNER,
      repo: REPO,
      number: 41,
      head: { ref: 'feature/combined', sha: SHA_C },
      base: { ref: 'main', sha: SHA_B },
    });
    await octokit.repos.createCommitStatus({ owner: OWNER, repo: REPO, sha: SHA_C, state: 'failure', context: 'lint' });
    await octokit.repos.createCommitStatus({ owner: OWNER, repo: REPO, sha: SHA_C, state: 'success', context: 'lint' });
    await octokit.repos.createCommitStatus({ owner: OWNER, repo: REPO, sha: SHA_C, state: 'success', context: 'test' });
    const combined = await octokit.repos.getCombinedStatusForRef({ owner: OWNER, repo: REPO, ref: 'feature/combined' });
    expect(combined.data).toMatchObject({ state: 'success', sha: SHA_C, total_count: 2 });
    await octokit.repos.createCommitStatus({
      owner: OWNER,
      repo: REPO,
      sha: SHA_C,
      state: 'pending',
      context: 'deploy',
    });
    const pending = await octokit.repos.getCombinedStatusForRef({ owner: OWNER, repo: REPO, ref: SHA_C });
    expect(pending.data.state).toBe('pending');
  });
});

describe('authentication', () => {
  it('answers 401 "Requires authentication" without credentials', async () => {
    const anonymous = new Octokit({ baseUrl: emulator.url, log: quiet });
    const failure = await failureOf(
      anonymous.repos.createCommitStatus({ owner: OWNER, repo: REPO, sha: SHA_A, state: 'success' }),
    );
    expect(failure).toEqual({
      status: 401,
      data: { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest', status: '401' },
    });
  });

  it('accepts only the configured tokens, as "token X" or "Bearer X", when a token list is given', async () => {
    const strict = await startGitHubEmulator({ tokens: ['right-token'] });
    try {
      const wrong = await failureOf(
        new Octokit({ baseUrl: strict.url, auth: 'wrong-token', log: quiet }).repos.get({ owner: OWNER, repo: REPO }),
      );
      expect(wrong).toMatchObject({ status: 401, data: { message: 'Bad credentials' } });
      const ok = await new Octokit({ baseUrl: strict.url, auth: 'right-token' }).repos.get({
        owner: OWNER,
        repo: REPO,
      });
      expect(ok.data.full_name).toBe(`${OWNER}/${REPO}`);
      const bearer = await fetch(`${strict.url}/repos/${OWNER}/${REPO}`, {
        headers: { authorization: 'Bearer right-token' },
      });
      expect(bearer.status).toBe(200);
    } finally {
      await strict.close();
    }
  });
});

describe('check runs', () => {
  it('round-trips create, update (conclusion and summary), get and list-for-ref by name', async () => {
    const created = await octokit.checks.create({
      owner: OWNER,
      repo: REPO,
      name: 'gantry/staging',
      head_sha: SHA_B,
      status: 'in_progress',
      external_id: 'job-17',
    });
    expect(created.data).toMatchObject({
      status: 'in_progress',
      conclusion: null,
      external_id: 'job-17',
      head_sha: SHA_B,
    });

    const updated = await octokit.checks.update({
      owner: OWNER,
      repo: REPO,
      check_run_id: created.data.id,
      conclusion: 'failure',
      output: { title: 'Rollout failed', summary: '2 of 3 pods never became ready' },
    });
    expect(updated.data).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'Rollout failed', summary: '2 of 3 pods never became ready' },
    });
    expect(updated.data.completed_at).toEqual(expect.any(String));

    const fetched = await octokit.checks.get({ owner: OWNER, repo: REPO, check_run_id: created.data.id });
    expect(fetched.data).toEqual(updated.data);

    await octokit.checks.create({ owner: OWNER, repo: REPO, name: 'gantry/other', head_sha: SHA_B });
    const listed = await octokit.checks.listForRef({
      owner: OWNER,
      repo: REPO,
      ref: SHA_B,
      check_name: 'gantry/staging',
    });
    expect(listed.data.total_count).toBe(1);
    expect(listed.data.check_runs[0]).toMatchObject({
      id: created.data.id,
      external_id: 'job-17',
      conclusion: 'failure',
    });
  });

  it('refuses to complete a run without a conclusion, and leaves the stored run untouched', async () => {
    const created = await octokit.checks.create({ owner: OWNER, repo: REPO, name: 'gantry/prod', head_sha: SHA_B });
    const failure = await failureOf(
      octokit.checks.update({ owner: OWNER, repo: REPO, check_run_id: created.data.id, status: 'completed' }),
    );
    expect(failure).toMatchObject({ status: 422, data: { status: '422' } });
    // The description's own anyOf says it: "completed" needs a conclusion.
    expect(failure.data['message']).toMatch(/^Invalid request\.\n\n(.+\n)*"conclusion" wasn't supplied\./);
    const fetched = await octokit.checks.get({ owner: OWNER, repo: REPO, check_run_id: created.data.id });
    expect(fetched.data.status).toBe('queued');
  });

  it('answers 404 for a check run of another repository', async () => {
    const created = await octokit.checks.create({ owner: OWNER, repo: REPO, name: 'x', head_sha: SHA_B });
    const failure = await failureOf(
      octokit.checks.get({ owner: OWNER, repo: 'elsewhere', check_run_id: created.data.id }),
    );
    expect(failure).toMatchObject({ status: 404, data: { message: 'Not Found' } });
  });
});

describe('issue comments', () => {
  it('creates, updates, lists and deletes a pull request comment', async () => {
    const created = await octokit.issues.createComment({
      owner: OWNER,
      repo: REPO,
      issue_number: 7,
      body: 'Deploying `abc` to staging…',
    });
    expect(created.status).toBe(201);
    const updated = await octokit.issues.updateComment({
      owner: OWNER,
      repo: REPO,
      comment_id: created.data.id,
      body: 'Deployed `abc` to staging.',
    });
    expect(updated.data.body).toBe('Deployed `abc` to staging.');
    const listed = await octokit.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 7 });
    expect(listed.data.map((c) => [c.id, c.body])).toEqual([[created.data.id, 'Deployed `abc` to staging.']]);
    const deleted = await octokit.issues.deleteComment({ owner: OWNER, repo: REPO, comment_id: created.data.id });
    expect(deleted.status).toBe(204);
    expect((await octokit.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 7 })).data).toEqual([]);
  });

  it('pages a long list with a Link header that octokit.paginate follows', async () => {
    for (let i = 0; i < 5; i += 1)
      await octokit.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 8, body: `comment ${i}` });
    const firstPage = await octokit.issues.listComments({ owner: OWNER, repo: REPO, issue_number: 8, per_page: 2 });
    expect(firstPage.data).toHaveLength(2);
    expect(firstPage.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.issues.listComments, {
      owner: OWNER,
      repo: REPO,
      issue_number: 8,
      per_page: 2,
    });
    expect(all.map((c) => c.body)).toEqual(['comment 0', 'comment 1', 'comment 2', 'comment 3', 'comment 4']);
  });
});

describe('deployments', () => {
  it('creates a deployment and its statuses, and lists both back', async () => {
    const deployment = await octokit.repos.createDeployment({
      owner: OWNER,
      repo: REPO,
      ref: SHA_A,
      environment: 'staging',
      auto_merge: false,
      required_contexts: [],
      payload: { app: 'catalog' },
    });
    expect(deployment.status).toBe(201);
    const data = deployment.data as { id: number; sha: string; environment: string; payload: unknown };
    expect(data).toMatchObject({ sha: SHA_A, environment: 'staging', payload: { app: 'catalog' } });

    await octokit.repos.createDeploymentStatus({
      owner: OWNER,
      repo: REPO,
      deployment_id: data.id,
      state: 'in_progress',
    });
    await octokit.repos.createDeploymentStatus({
      owner: OWNER,
      repo: REPO,
      deployment_id: data.id,
      state: 'success',
      environment_url: 'http://catalog.staging.local',
      log_url: 'http://gantry.local/runs/1',
    });
    const statuses = await octokit.repos.listDeploymentStatuses({ owner: OWNER, repo: REPO, deployment_id: data.id });
    expect(statuses.data.map((s) => s.state)).toEqual(['success', 'in_progress']);
    expect(statuses.data[0]).toMatchObject({
      environment_url: 'http://catalog.staging.local',
      log_url: 'http://gantry.local/runs/1',
      target_url: 'http://gantry.local/runs/1',
    });

    const listed = await octokit.repos.listDeployments({
      owner: OWNER,
      repo: REPO,
      environment: 'staging',
      sha: SHA_A,
    });
    expect(listed.data.map((d) => d.id)).toContain(data.id);
  });

  it('marks the previous successful deployment to the environment inactive, as GitHub does', async () => {
    const first = (
      await octokit.repos.createDeployment({
        owner: OWNER,
        repo: 'inactive',
        ref: SHA_A,
        environment: 'qa',
        required_contexts: [],
      })
    ).data as { id: number };
    await octokit.repos.createDeploymentStatus({
      owner: OWNER,
      repo: 'inactive',
      deployment_id: first.id,
      state: 'success',
    });
    const second = (
      await octokit.repos.createDeployment({
        owner: OWNER,
        repo: 'inactive',
        ref: SHA_B,
        environment: 'qa',
        required_contexts: [],
      })
    ).data as { id: number };
    await octokit.repos.createDeploymentStatus({
      owner: OWNER,
      repo: 'inactive',
      deployment_id: second.id,
      state: 'success',
    });
    const firstStatuses = await octokit.repos.listDeploymentStatuses({
      owner: OWNER,
      repo: 'inactive',
      deployment_id: first.id,
    });
    expect(firstStatuses.data[0]?.state).toBe('inactive');
  });

  it('answers 409 when a commit status context is not successful and required_contexts is left to its default', async () => {
    await octokit.repos.createCommitStatus({
      owner: OWNER,
      repo: 'guarded',
      sha: SHA_B,
      state: 'pending',
      context: 'ci',
    });
    const failure = await failureOf(octokit.repos.createDeployment({ owner: OWNER, repo: 'guarded', ref: SHA_B }));
    expect(failure).toMatchObject({
      status: 409,
      data: { message: `Conflict: Commit status checks failed for ${SHA_B}.`, status: '409' },
    });
  });

  it('answers 422 for a ref that names no known commit', async () => {
    const failure = await failureOf(
      octokit.repos.createDeployment({ owner: OWNER, repo: REPO, ref: 'no-such-branch', required_contexts: [] }),
    );
    expect(failure).toMatchObject({ status: 422, data: { message: 'No ref found for: no-such-branch' } });
  });
});

describe('pull requests and repositories', () => {
  it('serves a seeded pull request from pulls.get, and 404 for one never seeded', async () => {
    await admin.seedPull({
      owner: OWNER,
      repo: REPO,
      number: 12,
      title: 'Faster catalog',
      head: { ref: 'feature/fast', sha: SHA_C },
      base: { ref: 'main', sha: SHA_A },
    });
    const pull = await octokit.pulls.get({ owner: OWNER, repo: REPO, pull_number: 12 });
    expect(pull.data).toMatchObject({
      number: 12,
      state: 'open',
      merged: false,
      title: 'Faster catalog',
      head: { ref: 'feature/fast', sha: SHA_C },
      base: { ref: 'main', sha: SHA_A },
    });
    const missing = await failureOf(octokit.pulls.get({ owner: OWNER, repo: REPO, pull_number: 999 }));
    expect(missing.status).toBe(404);
  });

  it('lists open pull requests for the head commit on its check runs', async () => {
    await admin.seedPull({
      owner: OWNER,
      repo: REPO,
      number: 13,
      head: { ref: 'feature/checks', sha: '1'.repeat(40) },
      base: { ref: 'main', sha: SHA_A },
    });
    const run = await octokit.checks.create({
      owner: OWNER,
      repo: REPO,
      name: 'gantry/preview',
      head_sha: '1'.repeat(40),
    });
    expect(run.data.pull_requests.map((p) => p.number)).toEqual([13]);
  });

  it('serves any repository, with the default branch a test seeded', async () => {
    await admin.seedRepo({ owner: OWNER, repo: 'legacy', defaultBranch: 'master' });
    const repo = await octokit.repos.get({ owner: OWNER, repo: 'legacy' });
    expect(repo.data).toMatchObject({
      full_name: `${OWNER}/legacy`,
      default_branch: 'master',
      clone_url: `${emulator.url}/${OWNER}/legacy.git`,
    });
  });
});

describe('routing', () => {
  it('serves the same API under /api/v3, the GitHub Enterprise base URL shape', async () => {
    const enterprise = new Octokit({ baseUrl: `${emulator.url}/api/v3`, auth: 'test-token' });
    const created = await enterprise.repos.createCommitStatus({
      owner: OWNER,
      repo: 'ghes',
      sha: SHA_A,
      state: 'success',
    });
    expect(created.data.url).toBe(`${emulator.url}/api/v3/repos/${OWNER}/ghes/statuses/${SHA_A}`);
    const recorded = (await admin.calls({ operationId: 'repos/create-commit-status' })).at(-1);
    expect(recorded?.path).toBe(`/repos/${OWNER}/ghes/statuses/${SHA_A}`);
  });

  it('answers 404 in GitHub shape for a path GitHub does not have', async () => {
    const response = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}/no-such-thing`, {
      headers: { authorization: 'token t' },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest',
      status: '404',
    });
  });

  it('answers 501 naming the operationId for an operation GitHub has and the emulator does not', async () => {
    const failure = await failureOf(octokit.repos.delete({ owner: OWNER, repo: REPO }));
    expect(failure.status).toBe(501);
    expect(failure.data).toMatchObject({
      operationId: 'repos/delete',
      message: expect.stringContaining('repos/delete (DELETE /repos/{owner}/{repo})'),
    });
  });

  it('answers 400 "Problems parsing JSON" for a body that is not JSON', async () => {
    const response = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}/statuses/${SHA_A}`, {
      method: 'POST',
      headers: { authorization: 'token t' },
      body: '{state:',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: 'Problems parsing JSON' });
  });
});

describe('fault injection', () => {
  afterEach(async () => {
    await admin.clearFaults();
  });

  it('answers the next matching requests with the injected failure and headers, serves the rest, and logs only what it served', async () => {
    const before = (await admin.calls()).length;
    await admin.injectFault({
      count: 2,
      status: 403,
      message: 'You have exceeded a secondary rate limit.',
      headers: { 'retry-after': '7' },
      method: 'POST',
      path: '/statuses/',
    });

    const first = await fetch(`${emulator.url}/repos/${OWNER}/faults/statuses/${SHA_A}`, {
      method: 'POST',
      headers: { authorization: 'token t' },
      body: JSON.stringify({ state: 'success' }),
    });
    const read = await octokit.repos.listCommitStatusesForRef({ owner: OWNER, repo: 'faults', ref: SHA_A });
    const second = await failureOf(
      octokit.repos.createCommitStatus({ owner: OWNER, repo: 'faults', sha: SHA_A, state: 'success' }),
    );
    const third = await octokit.repos.createCommitStatus({
      owner: OWNER,
      repo: 'faults',
      sha: SHA_A,
      state: 'success',
    });

    expect(first.status).toBe(403);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(await first.json()).toEqual({
      message: 'You have exceeded a secondary rate limit.',
      documentation_url: 'https://docs.github.com/rest',
      status: '403',
    });
    expect(read.data).toEqual([]);
    expect(second).toMatchObject({ status: 403 });
    expect(third.status).toBe(201);
    expect(await admin.faults()).toEqual({ pending: 0, injected: 2 });
    const served = (await admin.calls()).slice(before).map((call) => `${call.method} ${call.status}`);
    expect(served).toEqual(['GET 200', 'POST 201']);
  });

  it('is cleared by reset, and refuses an injection that is not a failure', async () => {
    await admin.injectFault({ count: 5, status: 502 });
    expect(await admin.faults()).toEqual({ pending: 5, injected: 0 });
    await admin.reset();
    expect(await admin.faults()).toEqual({ pending: 0, injected: 0 });

    await expect(admin.injectFault({ count: 1, status: 200 })).rejects.toThrow(/answered 400: .*status/);
    await expect(admin.injectFault({ count: 1, status: 502, path: '(' })).rejects.toThrow(/path: a regular expression/);
  });
});

describe('GitHub App authentication', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

  it('issues an installation token for a JWT signed by the registered key, and accepts that token', async () => {
    await admin.registerApp({ appId: 4242, publicKeyPem: publicKey, slug: 'gantry' });
    const app = new Octokit({
      baseUrl: emulator.url,
      authStrategy: createAppAuth,
      auth: { appId: 4242, privateKey, installationId: 99 },
    });
    const status = await app.repos.createCommitStatus({
      owner: OWNER,
      repo: 'app-repo',
      sha: SHA_A,
      state: 'success',
      context: 'gantry',
    });
    expect(status.data.creator).toMatchObject({ login: 'gantry[bot]', type: 'Bot' });
    const run = await app.checks.create({ owner: OWNER, repo: 'app-repo', name: 'gantry', head_sha: SHA_A });
    expect(run.data.app).toMatchObject({ id: 4242, slug: 'gantry' });

    const issued = (await admin.calls({ operationId: 'apps/create-installation-access-token' })).at(-1);
    expect(issued).toMatchObject({
      status: 201,
      path: '/app/installations/99/access_tokens',
      responseBody: { token: '[masked]' },
    });
  });

  it('rejects a JWT signed by a key the app did not register', async () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    await admin.registerApp({ appId: 4343, publicKeyPem: publicKey });
    const impostor = new Octokit({
      baseUrl: emulator.url,
      authStrategy: createAppAuth,
      auth: { appId: 4343, privateKey: other.privateKey, installationId: 1 },
      log: quiet,
    });
    const failure = await failureOf(impostor.repos.get({ owner: OWNER, repo: REPO }));
    expect(failure).toMatchObject({ status: 401, data: { message: 'A JSON web token could not be decoded' } });
  });
});

describe('webhooks', () => {
  interface Received {
    readonly headers: IncomingHttpHeaders;
    readonly body: string;
  }
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  const description = OpenApiDescription.shared();
  const compiler = new SchemaCompiler(description);
  const repository = { owner: OWNER, name: REPO, cloneUrl: 'http://git.local/acme/shop.git', defaultBranch: 'main' };

  /** Problems of `payload` against GitHub's own webhook schema for `key` (none when it conforms). */
  function webhookProblems(key: string, payload: unknown): unknown[] {
    const schema = description.webhookSchema(key);
    if (schema === undefined) throw new Error(`no webhook schema ${key}`);
    const validate = compiler.compile(`webhook ${key}`, schema);
    return validate(payload)
      ? []
      : (validate.errors ?? []).slice(0, 10).map((e) => `${e.instancePath}: ${e.message ?? e.keyword}`);
  }

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(202, { 'content-type': 'text/plain' }).end('queued');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('builds a push payload with the repository, ref, commits and head commit asked for, valid against GitHub’s schema', () => {
    const payload = buildPushPayload({
      repository,
      ref: 'refs/heads/main',
      before: SHA_A,
      after: SHA_C,
      commits: [
        { id: SHA_B, message: 'first', modified: ['apps/catalog/app.yaml'] },
        { id: SHA_C, message: 'second' },
      ],
    });
    expect(payload).toMatchObject({
      ref: 'refs/heads/main',
      before: SHA_A,
      after: SHA_C,
      created: false,
      deleted: false,
      repository: {
        name: REPO,
        full_name: `${OWNER}/${REPO}`,
        owner: { login: OWNER },
        clone_url: 'http://git.local/acme/shop.git',
        default_branch: 'main',
      },
      head_commit: { id: SHA_C, message: 'second' },
    });
    expect((payload['commits'] as Array<{ id: string; modified: string[] }>).map((c) => c.id)).toEqual([SHA_B, SHA_C]);
    expect(payload).not.toHaveProperty('installation');
    expect(JSON.stringify(payload)).not.toContain('Codertocat/Hello-World');
    expect(webhookProblems('push', payload)).toEqual([]);
  });

  it('builds a deleted-branch push with no head commit', () => {
    const payload = buildPushPayload({
      repository,
      ref: 'refs/heads/gone',
      before: SHA_A,
      after: ZERO_SHA,
      installationId: 5,
    });
    expect(payload).toMatchObject({ deleted: true, head_commit: null, commits: [], installation: { id: 5 } });
    expect(webhookProblems('push', payload)).toEqual([]);
  });

  it('builds pull_request payloads for the action, number, head, base and state asked for', () => {
    const opened = buildPullRequestPayload({
      repository,
      action: 'opened',
      number: 31,
      head: { ref: 'feature/x', sha: SHA_B },
      base: { ref: 'main', sha: SHA_A },
    });
    expect(opened).toMatchObject({
      action: 'opened',
      number: 31,
      pull_request: {
        number: 31,
        state: 'open',
        merged: false,
        head: { ref: 'feature/x', sha: SHA_B, repo: { full_name: `${OWNER}/${REPO}` } },
        base: { ref: 'main', sha: SHA_A },
      },
    });
    expect((opened['pull_request'] as { url: string }).url).toMatch(/\/repos\/acme\/shop\/pulls\/31$/);
    expect(webhookProblems('pull-request-opened', opened)).toEqual([]);

    const merged = buildPullRequestPayload({
      repository,
      action: 'closed',
      number: 31,
      head: { ref: 'feature/x', sha: SHA_B },
      base: { ref: 'main', sha: SHA_A },
      merged: true,
    });
    expect(merged).toMatchObject({ action: 'closed', pull_request: { state: 'closed', merged: true } });
    expect(webhookProblems('pull-request-closed', merged)).toEqual([]);

    const pushed = buildPullRequestPayload({
      repository,
      action: 'synchronize',
      number: 31,
      head: { ref: 'feature/x', sha: SHA_C },
      base: { ref: 'main', sha: SHA_A },
      before: SHA_B,
    });
    expect(pushed).toMatchObject({ before: SHA_B, after: SHA_C });
    expect(webhookProblems('pull-request-synchronize', pushed)).toEqual([]);
  });

  it('builds a ping payload that GitHub’s schema accepts', () => {
    const ping = buildPingPayload({ repository, hookId: 77, url: receiverUrl });
    expect(ping).toMatchObject({
      hook_id: 77,
      hook: { id: 77, config: { url: receiverUrl } },
      repository: { full_name: `${OWNER}/${REPO}` },
    });
    expect(webhookProblems('ping', ping)).toEqual([]);
  });

  it('sends a signed deployment_status webhook, valid against GitHub’s schema, to the repository hooks that ask for it', async () => {
    const hook = await octokit.repos.createWebhook({
      owner: OWNER,
      repo: REPO,
      config: { url: receiverUrl, content_type: 'json', secret: 'actions-secret' },
      events: ['deployment_status'],
    });
    expect(hook.data).toMatchObject({ active: true, events: ['deployment_status'], config: { url: receiverUrl } });
    expect(JSON.stringify(hook.data)).not.toContain('actions-secret');
    const noUrl = await failureOf(octokit.repos.createWebhook({ owner: OWNER, repo: REPO, config: {} }));
    expect(noUrl.status).toBe(422);
    const deployment = await octokit.repos.createDeployment({
      owner: OWNER,
      repo: REPO,
      ref: SHA_A,
      environment: 'staging',
      required_contexts: [],
    });
    const deploymentId = (deployment.data as { id: number }).id;
    const before = received.length;

    await octokit.repos.createDeploymentStatus({
      owner: OWNER,
      repo: REPO,
      deployment_id: deploymentId,
      state: 'success',
      environment_url: 'http://storefront.shop-staging.svc.cluster.local',
    });

    const delivery = await waitFor(() => received.slice(before).find((r) => r.headers['x-github-event'] === 'deployment_status'));
    expect(delivery.headers['x-github-hook-id']).toBe(String(hook.data.id));
    expect(await verify('actions-secret', delivery.body, String(delivery.headers['x-hub-signature-256']))).toBe(true);
    const payload = JSON.parse(delivery.body) as Record<string, unknown>;
    expect(payload).toMatchObject({
      action: 'created',
      deployment_status: { state: 'success', environment: 'staging' },
      deployment: { id: deploymentId, sha: SHA_A },
      repository: { full_name: `${OWNER}/${REPO}` },
    });
    expect(webhookProblems('deployment-status-created', payload)).toEqual([]);
  });

  it('signs the raw body exactly as GitHub does (checked by @octokit/webhooks-methods)', async () => {
    const body = JSON.stringify({ zen: 'Keep it logically awesome.' });
    const signatures = signWebhookBody('s3cret', body);
    expect(signatures.sha256).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signatures.sha1).toMatch(/^sha1=[0-9a-f]{40}$/);
    await expect(verify('s3cret', body, signatures.sha256)).resolves.toBe(true);
    await expect(verify('wrong', body, signatures.sha256)).resolves.toBe(false);
  });

  it('delivers with GitHub’s headers and a signature over the exact bytes sent, and redelivers under the same id', async () => {
    received.length = 0;
    const payload = buildPushPayload({ repository, ref: 'refs/heads/main', before: SHA_A, after: SHA_B });
    const first = await deliverWebhook({ url: receiverUrl, secret: 'hook-secret', event: 'push', payload });
    expect(first).toMatchObject({ status: 202, body: 'queued' });
    expect(first.deliveryId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const [delivery] = received;
    expect(delivery?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': HOOKSHOT_USER_AGENT,
      'x-github-event': 'push',
      'x-github-delivery': first.deliveryId,
      'x-github-hook-installation-target-type': 'repository',
      'x-github-hook-installation-target-id': String((payload['repository'] as { id: number }).id),
    });
    expect(delivery?.headers['x-github-hook-id']).toMatch(/^\d+$/);
    await expect(
      verify('hook-secret', delivery?.body ?? '', String(delivery?.headers['x-hub-signature-256'])),
    ).resolves.toBe(true);
    expect(delivery?.headers['x-hub-signature']).toBe(signWebhookBody('hook-secret', delivery?.body ?? '').sha1);
    expect(JSON.parse(delivery?.body ?? '{}')).toEqual(payload);

    const again = await deliverWebhook({
      url: receiverUrl,
      secret: 'hook-secret',
      event: 'push',
      payload,
      deliveryId: first.deliveryId,
    });
    expect(again.deliveryId).toBe(first.deliveryId);
    expect(received[1]?.headers['x-github-delivery']).toBe(first.deliveryId);
  });

  it('delivers through the admin API too', async () => {
    received.length = 0;
    const payload = buildPingPayload({ repository, url: receiverUrl });
    const delivery = await admin.deliverWebhook({ url: receiverUrl, secret: 'admin-secret', event: 'ping', payload });
    expect(delivery.status).toBe(202);
    expect(received[0]?.headers['x-github-event']).toBe('ping');
    await expect(
      verify('admin-secret', received[0]?.body ?? '', String(received[0]?.headers['x-hub-signature-256'])),
    ).resolves.toBe(true);
  });
});

describe('the emulator as a process', () => {
  it('prints one ready line with its URL, serves, and exits cleanly on SIGTERM', async () => {
    const main = fileURLToPath(new URL('./github-emulator/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', () => reject(new Error(`emulator exited before it was ready:\n${stderr}`)));
      });
      const ready = JSON.parse(firstLine) as { ready: boolean; url: string };
      expect(ready).toEqual({ ready: true, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
      const health = await fetch(`${ready.url}/_emulator/health`);
      expect(await health.json()).toMatchObject({ ok: true });
      await fetch(`${ready.url}/repos/a/b`, { headers: { authorization: 'token never-logged-secret' } });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toEqual({ code: 0, signal: null });
    const lines = stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'request',
        method: 'GET',
        path: '/repos/a/b',
        operationId: 'repos/get',
        status: 200,
      }),
    );
    expect(stderr).not.toContain('never-logged-secret');
  });
});

describe('responses', () => {
  const validator = new ResponseValidator(OpenApiDescription.shared());

  it('reports a response that drifts from the description (the check below can fail)', () => {
    const status = [...seenCalls.values()].find(
      (call) => call.operationId === 'repos/create-commit-status' && call.status === 201,
    );
    expect(status).toBeDefined();
    const { id: _id, ...withoutId } = status?.responseBody as Record<string, unknown>;
    expect(validator.check('repos/create-commit-status', 201, withoutId)).toMatchObject({ kind: 'invalid' });
    expect(validator.check('repos/create-commit-status', 201, { ...withoutId, id: 'one' })).toMatchObject({
      kind: 'invalid',
    });
  });

  it('validates every response the emulator gave in this file against the description', () => {
    const checked = [...seenCalls.values()].filter((call) => call.operationId !== null && call.status < 500);
    const operations = new Set(checked.map((call) => call.operationId));
    // Every implemented operation was exercised above, so every one of their shapes is covered.
    expect(operations.size).toBeGreaterThanOrEqual(19);
    const problems = checked.flatMap((call) => {
      const verdict = validator.check(
        String(call.operationId),
        call.status,
        call.status === 204 ? undefined : call.responseBody,
      );
      if (verdict.kind === 'invalid')
        return [{ call: `${call.method} ${call.path} → ${call.status}`, problems: verdict.problems.slice(0, 5) }];
      if (verdict.kind === 'no-schema' || call.status >= 400) {
        // Error statuses GitHub leaves undocumented still carry its error shape.
        const body = call.responseBody as Record<string, unknown>;
        if (typeof body?.['message'] !== 'string' || typeof body['documentation_url'] !== 'string')
          return [{ call: `${call.method} ${call.path}`, problems: ['not a GitHub error body'] }];
      }
      return [];
    });
    expect(problems).toEqual([]);
  });
});
