import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import {
  createTestRepo,
  openWorkerKit,
  overlayFiles,
  pushRequest,
  testContext,
  type OverlayOptions,
  type TestRepo,
  type WorkerKit,
} from './worker-test-kit.js';

const LIMIT = 2;

describe('deployEnvironment: the release history keeps its limit', () => {
  let kit: WorkerKit;
  let repo: TestRepo;
  const otherRepos: TestRepo[] = [];

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('worker-history');
  });
  afterAll(async () => {
    await kit.close([repo, ...otherRepos].map((r) => r.namespace));
    for (const r of [repo, ...otherRepos]) await r.git.cleanup();
  });

  /** The test kit's overlay with env.yaml `history.limit: LIMIT`. */
  async function commit(message: string, options: OverlayOptions): Promise<string> {
    const files = overlayFiles(repo.namespace, options);
    const envFile = 'environments/dev/env.yaml';
    const envYaml = files[envFile];
    if (typeof envYaml !== 'string' || !envYaml.includes('limit: 5')) throw new Error(`${envFile} has no limit`);
    return repo.git.commitAndPush(message, { ...files, [envFile]: envYaml.replace('limit: 5', `limit: ${LIMIT}`) });
  }

  it('trims the history after failures too, keeping the newest records and the last good release', async () => {
    const goodSha = await commit('catalog in dev', { automaticRollback: false });
    expect((await deployEnvironment(pushRequest(repo, goodSha), kit.deps, testContext())).outcome).toBe('succeeded');

    for (let attempt = 1; attempt <= LIMIT + 2; attempt += 1) {
      // Each commit renders differently (the generated ConfigMap's name), so each is a new failing rollout.
      const sha = await commit(`failing attempt ${attempt}`, {
        neverReady: true,
        automaticRollback: false,
        environment: `dev-failing-${attempt}`,
      });
      expect((await deployEnvironment(pushRequest(repo, sha), kit.deps, testContext())).outcome).toBe('failed');
      const history = await kit.releases(repo.namespace).list();
      expect(history.length).toBeLessThanOrEqual(LIMIT + 1);
      expect(history.at(-1)).toMatchObject({ revision: 1, commit: goodSha, outcome: 'succeeded' });
    }

    const history = await kit.releases(repo.namespace).list();
    expect(history.map((release) => [release.revision, release.outcome])).toEqual([
      [LIMIT + 3, 'failed'],
      [LIMIT + 2, 'failed'],
      [1, 'succeeded'],
    ]);
  });

  it('records no new release for a deploy that changes nothing: a redelivery re-verifies the current release', async () => {
    const other = await createTestRepo('worker-no-change');
    otherRepos.push(other);
    const sha = await other.commit('catalog in dev');
    const first = await deployEnvironment(pushRequest(other, sha), kit.deps, testContext());
    expect(first).toMatchObject({ outcome: 'succeeded', revision: 1 });
    const [recorded] = await kit.releases(other.namespace).list();

    // The same commit delivered again (a redelivery, a second `gantry apply`): a new delivery id each time.
    for (let again = 1; again <= LIMIT + 2; again += 1) {
      const result = await deployEnvironment(pushRequest(other, sha), kit.deps, testContext());
      expect(result).toMatchObject({ outcome: 'succeeded', revision: 1 });
      expect(result.message).toContain('changed nothing');
      expect(result.message).toContain(`release 1 (${sha.slice(0, 7)}) is still current`);
    }

    const history = await kit.releases(other.namespace).list();
    expect(history.map((release) => [release.revision, release.commit, release.outcome])).toEqual([
      [1, sha, 'succeeded'],
    ]);
    expect(history[0]?.finishedAt).toBe(recorded?.finishedAt);
    expect(Date.parse(history[0]?.verifiedAt ?? '')).toBeGreaterThan(Date.parse(recorded?.finishedAt ?? ''));
  });

  it('records a release for a new commit whose manifests are identical: the environment now runs that commit', async () => {
    const other = await createTestRepo('worker-same-manifests');
    otherRepos.push(other);
    const first = await other.commit('catalog in dev');
    expect(await deployEnvironment(pushRequest(other, first), kit.deps, testContext())).toMatchObject({
      outcome: 'succeeded',
      revision: 1,
    });
    await other.git.writeFiles({ 'README.md': 'docs only\n' });
    const second = await other.commit('a commit that changes no manifest');

    const result = await deployEnvironment(pushRequest(other, second), kit.deps, testContext());

    expect(result).toMatchObject({ outcome: 'succeeded', revision: 2 });
    const history = await kit.releases(other.namespace).list();
    expect(history.map((release) => [release.revision, release.commit, release.outcome])).toEqual([
      [2, second, 'succeeded'],
      [1, first, 'succeeded'],
    ]);
  });
});
