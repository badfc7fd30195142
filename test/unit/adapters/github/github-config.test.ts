import { generateKeyPairSync } from 'node:crypto';
import { GitHubConfigError, GitHubReporter, parseGitHubConfig } from '../../../../adapters/github/index.js';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** The issues a bad config produces, one string each. */
function issuesOf(input: unknown): readonly string[] {
  try {
    parseGitHubConfig(input);
  } catch (error) {
    if (error instanceof GitHubConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('parseGitHubConfig', () => {
  it('fills in github.com, the user agent and the retry policy for a token', () => {
    expect(parseGitHubConfig({ auth: { type: 'token', token: 't' } })).toEqual({
      baseUrl: 'https://api.github.com',
      auth: { type: 'token', token: 't' },
      userAgent: 'gantry',
      retry: { attempts: 4, maxWaitMs: 30_000 },
      writeIntervalMs: 1_000,
    });
  });

  it('takes a GitHub Enterprise API root and drops its trailing slash', () => {
    expect(parseGitHubConfig({ baseUrl: 'https://ghe.example.com/api/v3/', auth: { type: 'token', token: 't' } }).baseUrl).toBe(
      'https://ghe.example.com/api/v3',
    );
  });

  it('accepts App credentials with ids as numbers or digit strings', () => {
    const config = parseGitHubConfig({ auth: { type: 'app', appId: '123', privateKey, installationId: 456 } });
    expect(config.auth).toMatchObject({ type: 'app', appId: 123, installationId: 456 });
  });

  it.each([
    ['no auth at all', {}, [expect.stringMatching(/^auth: must be "token" .* or "app"/)]],
    ['an unknown auth type', { auth: { type: 'password' } }, [expect.stringMatching(/^auth\.type: must be "token" .* or "app"/)]],
    ['an empty token', { auth: { type: 'token', token: '  ' } }, ['auth.token: must not be empty']],
    ['a non-http base URL', { baseUrl: 'ftp://x', auth: { type: 'token', token: 't' } }, [expect.stringMatching(/^baseUrl: must be an http\(s\) URL/)]],
    ['an App id that is not a number', { auth: { type: 'app', appId: 'abc', privateKey, installationId: 1 } }, [expect.stringMatching(/^auth\.appId: /)]],
    ['a negative write interval', { auth: { type: 'token', token: 't' }, writeIntervalMs: -1 }, [expect.stringMatching(/^writeIntervalMs: /)]],
    ['a misspelled field', { auth: { type: 'token', token: 't' }, baseURL: 'https://x' }, [expect.stringMatching(/Unrecognized key: "baseURL"/)]],
  ])('rejects %s, naming the field', (_case, input, expected) => {
    expect(issuesOf(input)).toEqual(expected);
  });

  it('rejects a private key that is not one, without repeating what it was given', () => {
    const secretish = 'ghp_thisIsATokenPastedIntoTheWrongField';
    const issues = issuesOf({ auth: { type: 'app', appId: 1, privateKey: secretish, installationId: 2 } });

    expect(issues).toEqual([expect.stringMatching(/^auth\.privateKey: must be the GitHub App private key in PEM form/)]);
    expect(issues.join('\n')).not.toContain(secretish);
  });

  it('is checked when the reporter is constructed, as a terminal InvalidConfig error', () => {
    expect(() => new GitHubReporter({ auth: { type: 'token', token: '' } })).toThrow(
      expect.objectContaining({ name: 'GitHubConfigError', reason: 'InvalidConfig', terminal: true }) as Error,
    );
  });
});
