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

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('worker-history');
  });
  afterAll(async () => {
    await kit.close([repo.namespace]);
    await repo.git.cleanup();
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
});
