// Proof 3: ten commits pushed to one branch in quick succession, each delivered as its own signed `push` webhook,
// to a repository where two environments follow that branch. Each environment, on its own, ends on the newest
// commit, applied at most a few of them and in commit order, and every commit it skipped is reported superseded
// (status `error` per core's rule, check run `skipped`): none is left pending.
import { KubeReleaseStore } from '../../adapters/kube/index.js';
import type { FixtureFiles } from '../platform/git-fixtures.js';
import { uniqueName } from '../platform/connect.js';
import { ZERO_SHA } from '../platform/github-emulator/index.js';
import {
  createTestRepo,
  ENV,
  liveByName,
  openWorkerKit,
  overlayFiles,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import {
  completedCheckRuns,
  deliverPush,
  eventually,
  startPipeline,
  statusStates,
  type Pipeline,
} from './pipeline-kit.js';

const COMMITS = 10;
/** Applying more than this many of ten commits means superseding did not work. */
const AT_MOST_APPLIED = 4;
/** The second environment following `main`: the test kit's overlay, moved to environments/qa with its own namespace. */
const SECOND_ENV = 'qa';

/** The kit's `dev` overlay files for `namespace`, as environment `name`. */
function overlayAs(name: string, namespace: string, environment: string): FixtureFiles {
  const files = overlayFiles(namespace, { environment });
  const envFile = `environments/${ENV}/env.yaml`;
  const moved = Object.entries(files).map(([path, content]) => {
    const renamed = path.replace(`environments/${ENV}/`, `environments/${name}/`);
    if (path !== envFile || typeof content !== 'string') return [renamed, content] as const;
    if (!content.startsWith(`name: ${ENV}\n`)) throw new Error(`${envFile} does not start with its name`);
    return [renamed, content.replace(`name: ${ENV}\n`, `name: ${name}\n`)] as const;
  });
  return Object.fromEntries(moved);
}

describe('a burst of pushes to one branch that two environments follow', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let repo: TestRepo;
  const secondNamespace = uniqueName('e2e-burst-qa');

  beforeAll(async () => {
    kit = await openWorkerKit();
    pipeline = await startPipeline();
    repo = await createTestRepo('e2e-burst');
  }, 30_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close(repo ? [repo.namespace, secondNamespace] : []);
    await repo?.git.cleanup();
  });

  const finalState = async (name: string, sha: string, env: string) =>
    (await statusStates(pipeline.github, name, sha, `deploy/${env}`)).at(-1);

  /** Commit `i` of the burst: both overlays, with ENVIRONMENT `burst-<i>` (it renames the generated ConfigMap). */
  const commitBoth = (i: number) =>
    repo.git.commitAndPush(`burst commit ${i}`, {
      ...overlayFiles(repo.namespace, { environment: `burst-${i}` }),
      ...overlayAs(SECOND_ENV, secondNamespace, `burst-${i}`),
    });

  /** What one environment applied, and what it reported per commit, checked on their own. */
  async function expectEndsOnNewest(env: string, namespace: string, name: string, shas: readonly string[]) {
    const newest = shas.at(-1)!;
    const finals = await eventually(
      () => Promise.all(shas.map((sha) => finalState(name, sha, env))),
      (states) => states.every((state) => state !== undefined && state !== 'pending'),
      180_000,
    );

    const store = new KubeReleaseStore(kit.cluster, { environment: env, namespace });
    const history = [...(await store.list())].sort((a, b) => a.revision - b.revision);
    const applied = history.filter((release) => release.outcome === 'succeeded');
    expect(history.every((release) => release.outcome === 'succeeded' && release.environment === env)).toBe(true);
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
      const runs = (await completedCheckRuns(pipeline.github, name, sha, [`deploy/${env}`])).filter(
        (run) => run.name === `deploy/${env}`,
      );
      expect(runs.map((run) => [run.status, run.conclusion])).toEqual([
        ['completed', appliedShas.has(sha) ? 'success' : 'skipped'],
      ]);
    }

    const deployments = await liveByName(kit.cluster, namespace, 'apps/v1', 'Deployment');
    const template = (deployments.get('catalog')?.['spec'] as DeploymentSpec | undefined)?.template.spec;
    const configMapName = template?.containers[0]?.envFrom
      ?.map((source) => source.configMapRef?.name)
      .find((cm) => cm?.startsWith('shop-environment-'));
    expect(configMapName).toBeDefined();
    const configMaps = await liveByName(kit.cluster, namespace, 'v1', 'ConfigMap');
    expect(configMaps.get(configMapName!)?.['data']).toMatchObject({ ENVIRONMENT: `burst-${COMMITS}` });
    return appliedShas;
  }

  it('ends each environment on the newest commit, each applying a few in order and reporting every other one superseded', async () => {
    const name = uniqueName('shop');
    // The fixture's git pushes take longer than a config-only deploy, so the commits are made first and their
    // webhooks then arrive back to back, as GitHub delivers a burst of pushes.
    const shas: string[] = [];
    for (let i = 1; i <= COMMITS; i += 1) shas.push(await commitBoth(i));
    for (const [i, sha] of shas.entries()) {
      expect((await deliverPush(pipeline, repo, name, shas[i - 1] ?? ZERO_SHA, sha)).status).toBe(202);
    }

    await expectEndsOnNewest(ENV, repo.namespace, name, shas);
    await expectEndsOnNewest(SECOND_ENV, secondNamespace, name, shas);
    for (const sha of shas) {
      const runs = await completedCheckRuns(pipeline.github, name, sha, [`deploy/${ENV}`, `deploy/${SECOND_ENV}`]);
      expect(runs.map((run) => run.name).filter((run) => run.startsWith('deploy/')).sort()).toEqual([`deploy/${ENV}`, `deploy/${SECOND_ENV}`]);
    }
  }, 300_000);
});

/** The part of a Deployment's spec this test reads. */
interface DeploymentSpec {
  readonly template: {
    readonly spec: {
      readonly containers: { readonly envFrom?: { readonly configMapRef?: { readonly name: string } }[] }[];
    };
  };
}
