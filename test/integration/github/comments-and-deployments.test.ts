import { randomBytes } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { GitHubReporter, PREVIEW_MARKER, type RepoRef } from '../../../adapters/github/index.js';
import { GitHubEmulatorClient, startGitHubEmulator, type GitHubEmulator } from '../../platform/github-emulator/index.js';

const TOKEN = 'ghp_commentsTestToken';
const sha = () => randomBytes(20).toString('hex');

describe('GitHubReporter: pull request comment and deployments', () => {
  let emulator: GitHubEmulator;
  let admin: GitHubEmulatorClient;
  let reporter: GitHubReporter;
  let octokit: Octokit;
  let repo: RepoRef;

  beforeAll(async () => {
    emulator = await startGitHubEmulator({ port: 0, tokens: [TOKEN] });
    admin = new GitHubEmulatorClient(emulator.url);
    reporter = new GitHubReporter({ baseUrl: emulator.url, auth: { type: 'token', token: TOKEN }, writeIntervalMs: 0 });
    octokit = new Octokit({ baseUrl: emulator.url, auth: TOKEN });
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await admin.reset();
    repo = { owner: 'acme', repo: `gitops-${randomBytes(3).toString('hex')}` };
  });

  const bodies = async (issue: number) =>
    (await octokit.issues.listComments({ ...repo, issue_number: issue })).data.map((comment) => comment.body);

  it('creates the preview comment, then edits that same comment as the pull request changes', async () => {
    await octokit.issues.createComment({ ...repo, issue_number: 12, body: 'LGTM from a human' });

    const first = await reporter.upsertPullRequestComment(repo, { pullNumber: 12, body: '### dev\n3 to create' });
    const second = await reporter.upsertPullRequestComment(repo, { pullNumber: 12, body: '### dev\n1 to configure' });

    expect(first.outcome).toBe('created');
    expect(second).toEqual({ id: first.id, outcome: 'updated' });
    expect(await bodies(12)).toEqual(['LGTM from a human', `${PREVIEW_MARKER}\n### dev\n1 to configure`]);
  });

  it('leaves the comment alone when a replay brings the same text', async () => {
    await reporter.upsertPullRequestComment(repo, { pullNumber: 3, body: 'same' });
    const replay = await reporter.upsertPullRequestComment(repo, { pullNumber: 3, body: 'same' });

    expect(replay.outcome).toBe('unchanged');
    expect(await admin.calls({ operationId: 'issues/update-comment' })).toHaveLength(0);
  });

  it('folds duplicate preview comments left by a past race into one', async () => {
    for (const text of ['old one', 'old two']) {
      await octokit.issues.createComment({ ...repo, issue_number: 5, body: `${PREVIEW_MARKER}\n${text}` });
    }

    await reporter.upsertPullRequestComment(repo, { pullNumber: 5, body: 'current' });

    expect(await bodies(5)).toEqual([`${PREVIEW_MARKER}\ncurrent`]);
  });

  it('creates a deployment that never auto-merges and waits for no status contexts, once per commit and environment', async () => {
    const commit = sha();
    // GitHub refuses (409) a deployment while a required context is not green; ours is pending right now.
    await reporter.setCommitStatus(repo, { sha: commit, environment: 'dev', state: 'pending', description: 'deploying' });

    const first = await reporter.ensureDeployment(repo, { sha: commit, environment: 'dev', description: 'push to main' });
    const replay = await reporter.ensureDeployment(repo, { sha: commit, environment: 'dev', description: 'push to main' });

    expect(first.outcome).toBe('created');
    expect(replay).toEqual({ id: first.id, outcome: 'unchanged' });
    const creates = await admin.calls({ operationId: 'repos/create-deployment' });
    expect(creates).toHaveLength(1);
    expect(creates[0]!.requestBody).toMatchObject({ ref: commit, environment: 'dev', auto_merge: false, required_contexts: [] });
  });

  it('keeps deployments of one commit to different environments, or with different keys, apart', async () => {
    const commit = sha();
    const dev = await reporter.ensureDeployment(repo, { sha: commit, environment: 'dev' });
    const staging = await reporter.ensureDeployment(repo, { sha: commit, environment: 'staging' });
    const redeploy = await reporter.ensureDeployment(repo, { sha: commit, environment: 'dev', key: 'dev:release-9' });

    expect(new Set([dev.id, staging.id, redeploy.id]).size).toBe(3);
  });

  it('records deployment statuses in order, with the environment URL, skipping a replayed one', async () => {
    const commit = sha();
    const { id } = await reporter.ensureDeployment(repo, { sha: commit, environment: 'staging', transient: true });
    const url = 'https://staging.gantry.example.com';

    await reporter.setDeploymentStatus(repo, { deploymentId: id, state: 'in_progress', description: 'applying' });
    await reporter.setDeploymentStatus(repo, { deploymentId: id, state: 'success', environmentUrl: url, logUrl: `${url}/log` });
    const replay = await reporter.setDeploymentStatus(repo, { deploymentId: id, state: 'success', environmentUrl: url, logUrl: `${url}/log` });
    await reporter.setDeploymentStatus(repo, { deploymentId: id, state: 'inactive', description: 'preview closed' });

    expect(replay).toBe('unchanged');
    const { data } = await octokit.repos.listDeploymentStatuses({ ...repo, deployment_id: id });
    expect(data.map((status) => [status.state, status.environment_url ?? ''])).toEqual([
      ['inactive', ''],
      ['success', url],
      ['in_progress', ''],
    ]);
  });

  it('records a failed deployment', async () => {
    const { id } = await reporter.ensureDeployment(repo, { sha: sha(), environment: 'production', production: true });
    await reporter.setDeploymentStatus(repo, { deploymentId: id, state: 'failure', description: 'ProgressDeadlineExceeded; rolled back to 1a2b3c4' });

    const { data } = await octokit.repos.listDeploymentStatuses({ ...repo, deployment_id: id });
    expect(data[0]).toMatchObject({ state: 'failure', description: 'ProgressDeadlineExceeded; rolled back to 1a2b3c4' });
  });
});
