import { classifyFetchFailure } from '../../../../adapters/git/classify-fetch-failure.js';
import { maskCredentials } from '../../../../adapters/git/mask-credentials.js';
import { mirrorName } from '../../../../adapters/git/mirror-name.js';

describe('maskCredentials', () => {
  it.each([
    ['https://user:token@github.com/o/r.git', 'https://***@github.com/o/r.git'],
    ['https://x-access-token:ghs_abc@ghe.example.com/o/r', 'https://***@ghe.example.com/o/r'],
    ["fatal: repository 'https://t0k3n@github.com/o/r/' not found", "fatal: repository 'https://***@github.com/o/r/' not found"],
    ['two: http://a:b@h1/x and ssh://git@h2/y', 'two: http://***@h1/x and ssh://***@h2/y'],
    ['https://github.com/o/r.git', 'https://github.com/o/r.git'],
    ['/srv/git/repo.git', '/srv/git/repo.git'],
  ])('masks %s', (input, expected) => {
    expect(maskCredentials(input)).toBe(expected);
  });
});

describe('mirrorName', () => {
  it('is made of safe characters only and ends in .git', () => {
    for (const url of ['https://u:p@github.com/acme/gitops.git', '/tmp/x y/../z.git', 'git@github.com:acme/a b.git', '', `https://h/${'x-'.repeat(60)}`]) {
      expect(mirrorName(url)).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*\.git$/);
      expect(mirrorName(url)).not.toContain('..');
    }
  });

  it('reads like the URL and ignores credentials and a trailing slash', () => {
    const name = mirrorName('https://github.com/acme/gitops.git');
    expect(name).toMatch(/^github\.com-acme-gitops-[0-9a-f]{12}\.git$/);
    expect(mirrorName('https://x-access-token:secret@github.com/acme/gitops.git')).toBe(name);
    expect(mirrorName('https://github.com/acme/gitops.git/')).toBe(name);
  });

  it('keeps URLs that flatten to the same text apart', () => {
    expect(mirrorName('https://h/a/b-c')).not.toBe(mirrorName('https://h/a-b/c'));
  });
});

describe('classifyFetchFailure', () => {
  it.each([
    ["fatal: Authentication failed for 'https://***@github.com/o/r/'", 'auth'],
    ["fatal: could not read Username for 'https://github.com': terminal prompts disabled", 'auth'],
    ["fatal: unable to access 'https://h/r/': The requested URL returned error: 403", 'auth'],
    ["remote: Repository not found.\nfatal: repository 'https://github.com/o/r/' not found", 'no-repository'],
    ["fatal: '/tmp/nope.git' does not appear to be a git repository", 'no-repository'],
    ["fatal: unable to access 'https://h/r/': The requested URL returned error: 503", 'unreachable'],
    ["fatal: unable to access 'https://h/r/': Could not resolve host: h", 'unreachable'],
    ['error: RPC failed; curl 92 HTTP/2 stream 0 was not closed cleanly', 'unreachable'],
  ])('classifies %j as %s', (stderr, expected) => {
    expect(classifyFetchFailure(stderr)).toBe(expected);
  });
});
