import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { GitMirror } from '../../../adapters/git/index.js';
import { DeployError } from '../../../core/deploy-error.js';
import type { GitHubDelivery } from '../../../core/deploy/map-github-event.js';
import { Reason } from '../../../core/reasons.js';
import { planDelivery, type PlanResult } from '../../../worker/stages/plan.js';
import { createGitFixture, type GitFixture } from '../../platform/git-fixtures.js';

const envYaml = (name: string, branch: string, extra = '') =>
  `name: ${name}\nbranch: ${branch}\ncluster:\n  name: local\nnamespace: shop-${name}\n${extra}`;

/** A logger whose lines the test can read. */
function capturingLogger(): { log: Logger; lines: () => { msg: string }[] } {
  const chunks: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk.toString()), done()) });
  return {
    log: pino({ level: 'info' }, sink),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { msg: string }),
  };
}

describe('planDelivery: the environments a delivery deploys, read from the repository at the deciding commit', () => {
  let origin: GitFixture;
  let cacheDir: string;
  let mirror: GitMirror;
  let mainSha: string;

  beforeAll(async () => {
    origin = await createGitFixture({
      initialFiles: {
        'environments/dev/env.yaml': envYaml('dev', 'main', 'preview:\n  enabled: true\n'),
        'environments/staging/env.yaml': envYaml('staging', 'main'),
        'environments/production/env.yaml': envYaml('production', 'release'),
        'environments/components/README.md': 'shared pieces, not an environment\n',
      },
    });
    mainSha = await origin.headSha();
    cacheDir = await mkdtemp(join(tmpdir(), 'gantry-plan-mirrors-'));
    mirror = new GitMirror({ cacheDir });
  });
  afterAll(async () => {
    await origin.cleanup();
    await rm(cacheDir, { recursive: true, force: true });
  });

  const repository = () => ({ full_name: 'acme/shop', clone_url: origin.cloneUrl });
  const push = (ref: string, after: string, before = '0'.repeat(40)): GitHubDelivery => ({
    event: 'push',
    deliveryId: randomUUID(),
    receivedAt: new Date().toISOString(),
    payload: { ref, before, after, repository: repository() },
  });
  const plan = (delivery: GitHubDelivery, log: Logger = pino({ level: 'silent' })): Promise<PlanResult> =>
    planDelivery(delivery, { git: mirror }, { signal: new AbortController().signal, log });

  it('deploys a push to main to every environment that follows main, at the pushed commit', async () => {
    const result = await plan(push('refs/heads/main', mainSha));

    expect(result.kind).toBe('deploy');
    const requests = result.kind === 'deploy' ? result.requests : [];
    expect(requests.map((r) => [r.environment, r.sha, r.mode, r.target.kind])).toEqual([
      ['dev', mainSha, 'apply', 'environment'],
      ['staging', mainSha, 'apply', 'environment'],
    ]);
    expect(requests[0]?.repo).toEqual({ owner: 'acme', name: 'shop', cloneUrl: origin.cloneUrl });
  });

  it('says "no environment follows" a branch that none follows, and plans nothing', async () => {
    await origin.switchBranch('feature-x');
    const sha = await origin.commitAndPush('a feature');
    await origin.switchBranch('main');
    const { log, lines } = capturingLogger();

    const result = await plan(push('refs/heads/feature-x', sha), log);

    expect(result).toMatchObject({ kind: 'ignore', reason: 'no-environment' });
    expect(lines().map((line) => line.msg)).toContainEqual(
      expect.stringContaining('no environment follows branch feature-x'),
    );
  });

  it('ignores a tag without fetching anything', async () => {
    const delivery = {
      ...push('refs/tags/v1.0.0', mainSha),
      payload: {
        ref: 'refs/tags/v1.0.0',
        before: '0'.repeat(40),
        after: mainSha,
        repository: { full_name: 'acme/shop', clone_url: '/nonexistent/repository.git' },
      },
    };

    expect(await plan(delivery)).toMatchObject({ kind: 'ignore', reason: 'tag' });
  });

  it('previews a pull request by a dry-run diff per environment and a preview where enabled, with the environments of its base commit, not of its head', async () => {
    await origin.switchBranch('add-qa');
    const headSha = await origin.commitAndPush('a pull request that adds an environment for itself', {
      'environments/qa/env.yaml': envYaml('qa', 'main'),
    });
    await origin.switchBranch('main');
    const pullRequest = {
      action: 'opened',
      number: 7,
      pull_request: {
        head: { ref: 'add-qa', sha: headSha, repo: { full_name: 'acme/shop' } },
        base: { ref: 'main', sha: mainSha, repo: { full_name: 'acme/shop' } },
      },
      repository: repository(),
    };

    const result = await plan({
      event: 'pull_request',
      deliveryId: randomUUID(),
      receivedAt: new Date().toISOString(),
      payload: pullRequest,
    });

    expect(result.kind).toBe('preview');
    const requests = result.kind === 'preview' ? result.requests : [];
    // dev has previews enabled: its preview deploys into dev's namespace plus `-pr-7`.
    expect(requests.map((r) => [r.environment, r.mode, r.target, r.sha, r.ref])).toEqual([
      ['dev', 'dry-run', { kind: 'environment' }, headSha, 'refs/pull/7/head'],
      ['dev', 'apply', { kind: 'preview', namespace: 'shop-dev-pr-7' }, headSha, 'refs/pull/7/head'],
      ['staging', 'dry-run', { kind: 'environment' }, headSha, 'refs/pull/7/head'],
    ]);
  });

  it('fails terminally, naming every broken env.yaml, when the configuration is invalid', async () => {
    const sha = await origin.commitAndPush('two broken environments', {
      'environments/staging/env.yaml': envYaml('staging', 'main', 'rollout:\n  timeout: soon\n'),
      'environments/production/env.yaml': envYaml('prod', 'release'),
    });

    const error = await plan(push('refs/heads/main', sha)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeployError);
    expect(error).toMatchObject({ reason: Reason.InvalidConfig, terminal: true });
    expect((error as Error).message).toContain('environments/staging/env.yaml: rollout.timeout');
    expect((error as Error).message).toContain('environments/production/env.yaml: name');
  });
});
