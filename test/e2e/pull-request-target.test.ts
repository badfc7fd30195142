// A pull request cannot aim its diff elsewhere: the worker's kubeconfig holds two contexts, the one dev's base
// env.yaml names (the platform's apiserver) and `nowhere` (current), whose server refuses every connection. A
// same-repository pull request and a fork's each change dev's env.yaml to `context: nowhere` and another namespace;
// both get their `diff/dev` from the base's cluster and namespace (so nothing was sent to `nowhere`: a request there
// would fail the diff), and the check run and the pull request comment say the move is not diffed.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VALIDATE_CHECK } from '../../core/report/validate-report.js';
import { uniqueName } from '../platform/connect.js';
import { buildPullRequestPayload, deliverWebhook, ZERO_SHA } from '../platform/github-emulator/index.js';
import type { FixtureFiles } from '../platform/git-fixtures.js';
import { SECRET } from '../integration/webhook/webhook-test-kit.js';
import {
  createTestRepo,
  ENV,
  openWorkerKit,
  overlayFiles,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import {
  completedCheckRuns,
  deliverPush,
  eventually,
  OWNER,
  startPipeline,
  statusStates,
  twoContextKubeconfig,
  type Pipeline,
} from './pipeline-kit.js';

const REAL = 'gantry-real';

/** dev's overlay in `namespace`, reached through kubeconfig context `context`, with the feature-flags ConfigMap or not. */
function devFiles(namespace: string, context: string, featureFlags = false): FixtureFiles {
  const files = overlayFiles(namespace, { featureFlags });
  const envFile = `environments/${ENV}/env.yaml`;
  return { ...files, [envFile]: String(files[envFile]).replace('cluster:\n  name: local\n', `cluster:\n  name: local\n  context: ${context}\n`) };
}

describe("a pull request's diff reaches the base branch's cluster and namespace, whatever its env.yaml says", () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let repo: TestRepo;
  let dir: string;
  const elsewhere = uniqueName('e2e-elsewhere');
  const forkElsewhere = uniqueName('e2e-fork-elsewhere');

  beforeAll(async () => {
    kit = await openWorkerKit();
    dir = await mkdtemp(join(tmpdir(), 'gantry-pr-target-'));
    pipeline = await startPipeline({ kubeconfig: await twoContextKubeconfig(dir, REAL) });
    repo = await createTestRepo('e2e-pr-target');
  }, 30_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close(repo ? [repo.namespace, elsewhere, forkElsewhere] : []);
    await repo?.git.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('diffs a same-repository and a fork pull request that move dev against the base target, and says so', async () => {
    const name = uniqueName('shop');
    const baseSha = await repo.git.commitAndPush('dev through its context', devFiles(repo.namespace, REAL));
    await deliverPush(pipeline, repo, name, ZERO_SHA, baseSha);
    expect(
      await eventually(
        () => statusStates(pipeline.github, name, baseSha, `deploy/${ENV}`),
        (states) => states.some((state) => state !== 'pending'),
        120_000,
      ),
    ).toEqual(['pending', 'success']);
    await repo.git.switchBranch('elsewhere');
    const headSha = await repo.git.commitAndPush('feature flags, deployed elsewhere', devFiles(elsewhere, 'nowhere', true));

    const open = async (number: number, fork: boolean, headSha: string) => {
      const payload = buildPullRequestPayload({
        repository: { owner: OWNER, name, cloneUrl: repo.git.cloneUrl },
        action: 'opened',
        number,
        head: { ref: 'elsewhere', sha: headSha },
        base: { ref: 'main', sha: baseSha },
      }) as { pull_request: { head: { repo: { full_name: string } | null } } };
      if (fork) payload.pull_request.head.repo = { full_name: 'someone-else/shop' };
      await repo.git.git.push('origin', `${headSha}:refs/pull/${number}/head`);
      const delivery = await deliverWebhook({ url: pipeline.webhook.url, secret: SECRET, event: 'pull_request', payload });
      expect(delivery.status).toBe(202);
    };
    await open(31, false, headSha);

    const movedTo = (namespace: string) =>
      `moves the environment to cluster local (context nowhere), namespace ${namespace}: the move is not diffed or checked for a pull request, which is diffed and checked against the base branch's target, cluster local (context ${REAL}), namespace ${repo.namespace}`;
    const moved = movedTo(elsewhere);
    const runs = await completedCheckRuns(pipeline.github, name, headSha, [`diff/${ENV}`, VALIDATE_CHECK], 120_000);
    const diff = runs.find((run) => run.name === `diff/${ENV}`);
    const validate = runs.find((run) => run.name === VALIDATE_CHECK);
    expect(diff?.conclusion).toBe('success');
    expect(diff?.output.summary).toContain(moved);
    expect(diff?.output.summary).toContain(`| created | \`ConfigMap/${repo.namespace}/feature-flags\``);
    expect(diff?.output.summary).not.toContain(elsewhere + '/');
    expect(validate?.conclusion).toBe('success');
    expect(validate?.output.summary).toContain(moved);
    expect(validate?.output.summary).toMatch(/environments\/dev: \d+ objects accepted by local's apiserver$/m);
    const comment = async (number: number, moved: string) =>
      (
        await eventually(
          async () => (await pipeline.github.issues.listComments({ owner: OWNER, repo: name, issue_number: number })).data,
          (list) => list.length === 1 && list[0]?.body?.includes(moved) === true,
          60_000,
        )
      )[0]?.body;
    expect(await comment(31, moved)).toContain(`\`ConfigMap/${repo.namespace}/feature-flags\``);

    // A fork's pull request that moves dev to yet another namespace: its diff is at the base's target too.
    await repo.git.switchBranch('fork-elsewhere');
    const forkSha = await repo.git.commitAndPush('from a fork, deployed elsewhere', devFiles(forkElsewhere, 'nowhere', true));
    await open(32, true, forkSha);
    expect(await comment(32, movedTo(forkElsewhere))).toContain(`\`ConfigMap/${repo.namespace}/feature-flags\``);

    // Nothing was created where the head points.
    const namespaces = await kit.cluster.list({ apiVersion: 'v1', kind: 'Namespace' });
    expect(namespaces.map((ns) => ns.metadata.name)).not.toContain(elsewhere);
    expect(namespaces.map((ns) => ns.metadata.name)).not.toContain(forkElsewhere);
  }, 300_000);
});
