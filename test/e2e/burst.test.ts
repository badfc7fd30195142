// Proof 3: ten commits pushed to one branch in quick succession, each delivered as its own signed `push` webhook.
// The environment ends on the newest commit, applied at most a few of them and in commit order, and every commit it
// skipped is reported superseded (status `error` per core's rule, check run `skipped`): none is left pending.
import { uniqueName } from '../platform/connect.js';
import { ZERO_SHA } from '../platform/github-emulator/index.js';
import {
  createTestRepo,
  ENV,
  liveByName,
  openWorkerKit,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import { deliverPush, eventually, OWNER, startPipeline, statusStates, type Pipeline } from './pipeline-kit.js';

const COMMITS = 10;
/** Applying more than this many of ten commits means superseding did not work. */
const AT_MOST_APPLIED = 4;

describe('a burst of pushes to one branch', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let repo: TestRepo;

  beforeAll(async () => {
    kit = await openWorkerKit();
    pipeline = await startPipeline();
    repo = await createTestRepo('e2e-burst');
  }, 30_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close(repo ? [repo.namespace] : []);
    await repo?.git.cleanup();
  });

  const finalState = async (name: string, sha: string) =>
    (await statusStates(pipeline.github, name, sha, `deploy/${ENV}`)).at(-1);

  it('ends on the newest commit, applies a few in order, and reports every other one superseded', async () => {
    const name = uniqueName('shop');
    // Each commit changes ENVIRONMENT, which renames the generated ConfigMap the Deployment's template points at.
    // The fixture's git pushes take longer than a config-only deploy, so the commits are made first and their
    // webhooks then arrive back to back, as GitHub delivers a burst of pushes.
    const shas: string[] = [];
    for (let i = 1; i <= COMMITS; i += 1) shas.push(await repo.commit(`burst commit ${i}`, { environment: `burst-${i}` }));
    for (const [i, sha] of shas.entries()) {
      expect((await deliverPush(pipeline, repo, name, shas[i - 1] ?? ZERO_SHA, sha)).status).toBe(202);
    }
    const newest = shas.at(-1)!;

    const finals = await eventually(
      () => Promise.all(shas.map((sha) => finalState(name, sha))),
      (states) => states.every((state) => state !== undefined && state !== 'pending'),
      180_000,
    );

    const history = [...(await kit.releases(repo.namespace).list())].sort((a, b) => a.revision - b.revision);
    const applied = history.filter((release) => release.outcome === 'succeeded');
    expect(history.every((release) => release.outcome === 'succeeded')).toBe(true);
    expect(applied.at(-1)?.commit).toBe(newest);
    expect(applied.length).toBeLessThanOrEqual(AT_MOST_APPLIED);
    const order = applied.map((release) => shas.indexOf(release.commit));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    const revisions = applied.map((release) => release.revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    expect(new Set(order).size).toBe(order.length);

    const appliedShas = new Set(applied.map((release) => release.commit));
    expect(finals).toEqual(shas.map((sha) => (appliedShas.has(sha) ? 'success' : 'error')));
    for (const sha of shas) {
      const { data } = await pipeline.github.checks.listForRef({ owner: OWNER, repo: name, ref: sha });
      expect(data.check_runs.map((run) => [run.name, run.status, run.conclusion])).toEqual([
        [`deploy/${ENV}`, 'completed', appliedShas.has(sha) ? 'success' : 'skipped'],
      ]);
    }

    const deployments = await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment');
    const template = (deployments.get('catalog')?.['spec'] as DeploymentSpec | undefined)?.template.spec;
    const configMapName = template?.containers[0]?.envFrom
      ?.map((source) => source.configMapRef?.name)
      .find((cm) => cm?.startsWith('shop-environment-'));
    expect(configMapName).toBeDefined();
    const configMaps = await liveByName(kit.cluster, repo.namespace, 'v1', 'ConfigMap');
    expect(configMaps.get(configMapName!)?.['data']).toMatchObject({ ENVIRONMENT: `burst-${COMMITS}` });
  }, 240_000);
});

/** The part of a Deployment's spec this test reads. */
interface DeploymentSpec {
  readonly template: {
    readonly spec: { readonly containers: { readonly envFrom?: { readonly configMapRef?: { readonly name: string } }[] }[] };
  };
}
