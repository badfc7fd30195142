import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { Octokit } from '@octokit/rest';
import { GitHubReporter, type RepoRef } from '../../../adapters/github/index.js';
import { GitHubEmulatorClient, startGitHubEmulator, type GitHubEmulator } from '../../platform/github-emulator/index.js';

/** An RSA key pair, the private half PKCS#1 as GitHub hands it out (`-----BEGIN RSA PRIVATE KEY-----`). */
function appKeyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}

describe('GitHubReporter authenticated as a GitHub App installation', () => {
  let emulator: GitHubEmulator;
  let admin: GitHubEmulatorClient;
  let keys: { privateKey: string; publicKey: string };
  let repo: RepoRef;

  beforeAll(async () => {
    // Only installation tokens minted by the emulator are valid: no plain token is accepted.
    emulator = await startGitHubEmulator({ port: 0, tokens: ['unused-plain-token'] });
    admin = new GitHubEmulatorClient(emulator.url);
    keys = appKeyPair();
    await admin.registerApp({ appId: 31337, publicKeyPem: keys.publicKey, slug: 'gantry-deployer' });
  });
  afterAll(() => emulator.close());
  beforeEach(async () => {
    await admin.reset();
    repo = { owner: 'acme', repo: `gitops-${randomBytes(3).toString('hex')}` };
  });

  const appReporter = (privateKey: string, appId: number | string = 31337) =>
    new GitHubReporter({ baseUrl: emulator.url, auth: { type: 'app', appId, privateKey, installationId: '77' } });

  it('mints an installation token from the App JWT once and reports as the App', async () => {
    const reporter = appReporter(keys.privateKey);
    const sha = randomBytes(20).toString('hex');

    await reporter.setCommitStatus(repo, { sha, environment: 'dev', state: 'pending', description: 'rendering' });
    await reporter.upsertCheckRun(repo, { sha, name: 'deploy/dev', externalId: `dev:${sha}`, progress: { status: 'in_progress' }, title: 'dev', summary: '…' });

    const tokens = await admin.calls({ operationId: 'apps/create-installation-access-token' });
    expect(tokens.map((call) => [call.status, call.path])).toEqual([[201, '/app/installations/77/access_tokens']]);
    const { data } = await new Octokit({ baseUrl: emulator.url, auth: 'unused-plain-token' }).repos.listCommitStatusesForRef({ ...repo, ref: sha });
    expect(data[0]?.creator?.login).toBe('gantry-deployer[bot]');
    const [check] = await admin.calls({ operationId: 'checks/create' });
    expect(check?.responseBody).toMatchObject({ app: { id: 31337 } });
  });

  it('accepts a private key whose newlines were escaped in an env file', async () => {
    const reporter = appReporter(keys.privateKey.replace(/\n/g, '\\n'));

    await expect(
      reporter.setCommitStatus(repo, { sha: randomBytes(20).toString('hex'), environment: 'dev', state: 'success', description: 'ok' }),
    ).resolves.toBe('created');
  });

  it('fails terminal with GitHub\'s message when the App key is not the registered one, without showing the key', async () => {
    const stranger = appKeyPair().privateKey;

    const error = await appReporter(stranger)
      .setCommitStatus(repo, { sha: randomBytes(20).toString('hex'), environment: 'dev', state: 'pending', description: 'x' })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'GitHubApiError', code: 'unauthorized', status: 401, terminal: true });
    expect((error as Error).message).toContain('A JSON web token could not be decoded');
    const shown = inspect(error, { depth: 8 });
    expect(shown).not.toContain(stranger.split('\n')[1]);
    expect(shown).not.toMatch(/Bearer ey/);
  });

  it('fails terminal for an App the server does not know', async () => {
    const error = await appReporter(keys.privateKey, 4040)
      .setCommitStatus(repo, { sha: randomBytes(20).toString('hex'), environment: 'dev', state: 'pending', description: 'x' })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'unauthorized', terminal: true });
    expect((error as Error).message).toContain('Integration not found');
  });
});
