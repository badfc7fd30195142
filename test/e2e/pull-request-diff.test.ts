// The issue's pull request path, through the production wiring: a signed `pull_request` opened delivery becomes a
// dry-run deploy job per environment the base branch deploys to, and each ends as a `diff/<env>` check run on the
// pull request's head commit saying what would change. Nothing is applied: the cluster and the release history
// stay as the last push left them, and the head commit gets no commit status.
import { KubeReleaseStore } from '../../adapters/kube/index.js';
import type { KubeObject } from '../../core/kube/object.js';
import { VALIDATE_CHECK } from '../../core/report/validate-report.js';
import { need, uniqueName } from '../platform/connect.js';
import {
  buildPullRequestPayload,
  deliverWebhook,
  GitHubEmulatorClient,
  ResponseValidator,
  ZERO_SHA,
} from '../platform/github-emulator/index.js';
import { OpenApiDescription } from '../platform/github-emulator/openapi-description.js';
import type { FixtureFiles } from '../platform/git-fixtures.js';
import { SECRET } from '../integration/webhook/webhook-test-kit.js';
import {
  createTestRepo,
  ENV,
  openWorkerKit,
  overlayFiles,
  type OverlayOptions,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import { deliverPush, eventually, OWNER, startPipeline, statusStates, type Pipeline } from './pipeline-kit.js';

/** A second environment following main (`qa`), and one following another branch (`production`). */
const QA = 'qa';

describe('a pull request gets a dry-run diff per environment of its base branch, through the whole pipeline', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let repo: TestRepo;
  let qaNamespace: string;

  /** dev and qa (same overlay, own namespaces) follow main; production follows release and must not be diffed. */
  const files = (options: OverlayOptions = {}): FixtureFiles => {
    const qa = Object.entries(overlayFiles(qaNamespace, options)).map(([path, content]) => [
      path.replace(`environments/${ENV}/`, `environments/${QA}/`),
      typeof content === 'string' ? content.replace(new RegExp(`^name: ${ENV}$`, 'm'), `name: ${QA}`) : content,
    ]);
    return {
      ...overlayFiles(repo.namespace, options),
      ...Object.fromEntries(qa),
      'environments/production/env.yaml': `name: production\nbranch: release\ncluster:\n  name: local\nnamespace: ${uniqueName('e2e-pr-prod')}\n`,
    };
  };

  /** Every object the test's namespaces hold that a deploy would touch, with the version the apiserver gave it. */
  const liveState = async (): Promise<string[]> => {
    const objects: KubeObject[] = [];
    for (const namespace of [repo.namespace, qaNamespace])
      for (const [apiVersion, kind] of [
        ['v1', 'ConfigMap'],
        ['v1', 'Service'],
        ['apps/v1', 'Deployment'],
        ['v1', 'Secret'],
      ] as const)
        objects.push(...(await kit.cluster.list({ apiVersion, kind, namespace })));
    return objects
      .map((obj) => `${obj.kind}/${obj.metadata.namespace}/${obj.metadata.name}@${obj.metadata.resourceVersion}`)
      .sort();
  };

  beforeAll(async () => {
    kit = await openWorkerKit();
    pipeline = await startPipeline();
    repo = await createTestRepo('e2e-pr');
    qaNamespace = uniqueName('e2e-pr-qa');
  }, 30_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close(repo ? [repo.namespace, qaNamespace] : []);
    await repo?.git.cleanup();
  });

  it('writes a diff/<env> check run on the head commit for dev and qa showing what would change, and applies nothing', async () => {
    const name = uniqueName('shop');
    const baseSha = await repo.git.commitAndPush('catalog in dev and qa', files());
    expect((await deliverPush(pipeline, repo, name, ZERO_SHA, baseSha)).status).toBe(202);
    for (const env of [ENV, QA])
      expect(
        await eventually(
          () => statusStates(pipeline.github, name, baseSha, `deploy/${env}`),
          (states) => states.some((state) => state !== 'pending'),
          120_000,
        ),
      ).toEqual(['pending', 'success']);
    await repo.git.switchBranch('say-hello');
    const headSha = await repo.git.commitAndPush('say hello', files({ environment: 'hello', featureFlags: true }));
    const before = await liveState();

    const delivery = await deliverWebhook({
      url: pipeline.webhook.url,
      secret: SECRET,
      event: 'pull_request',
      payload: buildPullRequestPayload({
        repository: { owner: OWNER, name, cloneUrl: repo.git.cloneUrl },
        action: 'opened',
        number: 12,
        head: { ref: 'say-hello', sha: headSha },
        base: { ref: 'main', sha: baseSha },
      }),
    });

    expect(delivery.status).toBe(202);
    const all = await eventually(
      async () => (await pipeline.github.checks.listForRef({ owner: OWNER, repo: name, ref: headSha })).data.check_runs,
      (list) => list.length === 3 && list.every((run) => run.status === 'completed'),
      120_000,
    );
    // gantry/validate (test/e2e/github-actions-round-trip.test.ts) fails this repository for good reason: its
    // production env.yaml, there only to be skipped by the plan, has no overlay next to it.
    expect(all.find((run) => run.name === VALIDATE_CHECK)?.output.summary).toContain(
      'environments/production/env.yaml:1: has no environments/production/kustomization.yaml',
    );
    const runs = all.filter((run) => run.name.startsWith('diff/'));
    expect(runs.map((run) => [run.name, run.status, run.conclusion, run.external_id]).sort()).toEqual([
      [`diff/${ENV}`, 'completed', 'success', `diff:${ENV}:${headSha}`],
      [`diff/${QA}`, 'completed', 'success', `diff:${QA}:${headSha}`],
    ]);
    for (const run of runs) {
      const namespace = run.name === `diff/${ENV}` ? repo.namespace : qaNamespace;
      expect(run.output.title).toMatch(/^Would create 2, configure 1, delete 1/);
      expect(run.output.summary).toContain('#### What would change');
      expect(run.output.summary).toContain(`| created | \`ConfigMap/${namespace}/feature-flags\``);
      expect(run.output.summary).toContain(`| configured | \`Deployment/${namespace}/catalog\``);
      expect(run.output.summary).toContain('nothing was applied');
    }

    // Nothing applied: every live object keeps its resourceVersion, no release was recorded, no status was set.
    expect(await liveState()).toEqual(before);
    for (const store of [
      kit.releases(repo.namespace),
      new KubeReleaseStore(kit.cluster, { environment: QA, namespace: qaNamespace }),
    ])
      expect((await store.list()).map((release) => release.commit)).toEqual([baseSha]);
    const { data: statuses } = await pipeline.github.repos.listCommitStatusesForRef({
      owner: OWNER,
      repo: name,
      ref: headSha,
    });
    expect(statuses).toEqual([]);

    // One comment on the pull request gathers both environments' diffs for the head commit; the head is not deployed.
    const comments = await eventually(
      async () => (await pipeline.github.issues.listComments({ owner: OWNER, repo: name, issue_number: 12 })).data,
      (list) => list.length === 1 && [ENV, QA].every((env) => list[0]?.body?.includes(`### ${env}`) === true),
      60_000,
    );
    expect(comments[0]?.body).toContain(headSha.slice(0, 7));
    expect(comments[0]?.body).toContain(`\`Deployment/${repo.namespace}/catalog\``);
    expect(comments[0]?.body).toContain(`\`Deployment/${qaNamespace}/catalog\``);
    const { data: deployments } = await pipeline.github.repos.listDeployments({ owner: OWNER, repo: name, sha: headSha });
    expect(deployments).toEqual([]);

    // Each check-run write was accepted by, and answered as, GitHub's own schema.
    const admin = new GitHubEmulatorClient(need('github').url);
    const validator = new ResponseValidator(OpenApiDescription.shared());
    const writes = (await admin.calls()).filter(
      (call) => call.path.startsWith(`/repos/${OWNER}/${name}/check-runs`) && call.method !== 'GET',
    );
    expect(writes.length).toBeGreaterThanOrEqual(4);
    for (const call of writes) {
      expect(call.status).toBeLessThan(300);
      expect(validator.check(call.operationId ?? '', call.status, call.responseBody)).toEqual({ kind: 'valid' });
    }
  }, 300_000);
});
