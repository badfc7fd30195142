import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { GitFetchError, GitMirror, maskCredentials, type GitLogger } from '../../../adapters/git/index.js';
import { createGitFixture, type GitFixture } from '../../platform/git-fixtures.js';
import { startGitHttpServer, type GitHttpServer } from './git-http-server.js';

const TOKEN = 'ghs_notARealTokenButShapedLikeOne1234';

/** A logger that keeps every line, to prove what was (and was not) written. */
function recordingLogger(): GitLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (fields, message) => lines.push(`${message} ${JSON.stringify(fields)}`),
    warn: (fields, message) => lines.push(`${message} ${JSON.stringify(fields)}`),
  };
}

describe('GitMirror over smart HTTP (git http-backend)', () => {
  let origin: GitFixture;
  let server: GitHttpServer;
  let cacheDir: string;
  let url: string;

  beforeEach(async () => {
    origin = await createGitFixture({ initialFiles: { 'README.md': 'over http\n' } });
    server = await startGitHttpServer(origin.root, { user: 'x-access-token', password: TOKEN });
    cacheDir = await mkdtemp(join(tmpdir(), 'gantry-mirrors-'));
    url = `${server.url.replace('http://', `http://x-access-token:${TOKEN}@`)}/${basename(origin.originDir)}`;
  });
  afterEach(async () => {
    await server.close();
    await origin.cleanup();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('fetches with credentials embedded in the URL', async () => {
    const sha = await origin.headSha();
    const repo = await new GitMirror({ cacheDir }).fetch(url, sha);

    expect(await repo.hasCommit(sha)).toBe(true);
    expect(repo.url).toBe(maskCredentials(url));
    expect(repo.url).not.toContain(TOKEN);
  });

  it('retries a host answering 503 and succeeds once it recovers', async () => {
    const logger = recordingLogger();
    server.failNext(2, 503);
    const sha = await origin.headSha();

    const repo = await new GitMirror({ cacheDir, logger, retry: { initialDelayMs: 50 } }).fetch(url, sha);

    expect(await repo.hasCommit(sha)).toBe(true);
    expect(logger.lines.filter((line) => line.startsWith('git fetch failed; retrying'))).toHaveLength(2);
  });

  it('gives up after its attempts with a retryable GitFetchError when the host stays down', async () => {
    server.failNext(1_000, 502);
    const mirror = new GitMirror({ cacheDir, retry: { attempts: 3, initialDelayMs: 20 } });

    const error = await mirror.fetch(url, await origin.headSha()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitFetchError);
    expect(error).toMatchObject({ code: 'unreachable', reason: 'GitFetchFailed', retryable: true });
    expect(server.requests).toBe(3);
  });

  it('fails at once with a terminal "auth" error on a refused token, and never writes the token anywhere', async () => {
    const logger = recordingLogger();
    const wrong = url.replace(TOKEN, `${TOKEN}-revoked`);
    const mirror = new GitMirror({ cacheDir, logger, retry: { initialDelayMs: 20 } });

    const error = await mirror.fetch(wrong, await origin.headSha()).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'GitFetchError', code: 'auth', reason: 'Forbidden', terminal: true, retryable: false });
    const everything = [String(error), JSON.stringify(error), String((error as Error).stack), ...logger.lines].join('\n');
    expect(everything).not.toContain(TOKEN);
    expect(everything).toContain('***@127.0.0.1');
    // One attempt is two requests: curl asks without credentials first, then answers the 401 challenge.
    expect(server.requests).toBe(2);
  });

  it('keeps one mirror for one repository when its token rotates, and stores no token in it', async () => {
    const mirror = new GitMirror({ cacheDir });
    expect(mirror.pathOf(url)).toBe(mirror.pathOf(url.replace(TOKEN, 'ghs_rotated')));
    expect(mirror.pathOf(url)).not.toContain(TOKEN);

    const repo = await mirror.fetch(url, await origin.headSha());
    expect(await readFile(join(repo.gitDir, 'config'), 'utf8')).not.toContain(TOKEN);
  });
});
