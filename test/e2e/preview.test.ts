// Pull request previews through the production wiring (webhook → plan → deploy → report), on the local platform
// with the GitHub emulator: each pull request into main gets dev's overlay deployed into its own namespace, with
// ownership labels, quota and network boundary; a push redeploys it; closing deletes it; two pull requests are
// isolated; a fork gets its diff only; the environment's preview limit refuses one more with a clear status; a
// pull request closed without the webhook reaching us is collected by the periodic job; a preview whose pods its
// quota refuses fails and touches nothing else. Through all of it, each pull request has one comment, kept current.
import { randomBytes } from 'node:crypto';
import type { PullRequestAction } from '../platform/github-emulator/webhooks/build-pull-request-payload.js';
import { need, uniqueName } from '../platform/connect.js';
import {
  buildPullRequestPayload,
  deliverWebhook,
  GitHubEmulatorClient,
  ZERO_SHA,
} from '../platform/github-emulator/index.js';
import type { FixtureFiles } from '../platform/git-fixtures.js';
import { SECRET } from '../integration/webhook/webhook-test-kit.js';
import { KubeReleaseStore } from '../../adapters/kube/index.js';
import {
  createTestRepo,
  ENV,
  openWorkerKit,
  overlayFiles,
  ref,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import {
  completedCheckRuns,
  deliverPush,
  deploymentsOf,
  eventually,
  OWNER,
  startPipeline,
  statusStates,
  type CheckRun,
  type Pipeline,
} from './pipeline-kit.js';
import { VALIDATE_CHECK } from '../../core/report/validate-report.js';

describe('pull request previews, through the whole pipeline', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let repo: TestRepo;
  let name: string;
  let prefix: string;
  let baseSha: string;
  const heads = new Map<number, string>();

  /** dev's overlay with previews on: at most 2 at once, a pod quota, nothing let in from other namespaces. */
  const files = (environment: string) => {
    const overlay = overlayFiles(repo.namespace, { environment });
    const envFile = `environments/${ENV}/env.yaml`;
    return {
      ...overlay,
      [envFile]: `${String(overlay[envFile])}preview:\n  enabled: true\n  namespacePrefix: ${prefix}\n  maxConcurrent: 2\n  forkLabel: safe-to-preview\n  quota:\n    pods: 10\n`,
    };
  };
  const namespaceOf = (number: number) => `${prefix}${number}`;
  const namespace = (number: number) =>
    kit.cluster.get(ref('v1', 'Namespace', namespaceOf(number)));
  const deliverPullRequest = (action: PullRequestAction, number: number, fork = false) => {
    const payload = buildPullRequestPayload({
      repository: { owner: OWNER, name, cloneUrl: repo.git.cloneUrl },
      action,
      number,
      head: { ref: `feature-${number}`, sha: heads.get(number) ?? ZERO_SHA },
      base: { ref: 'main', sha: baseSha },
    });
    if (fork) {
      const head = (payload['pull_request'] as { head: { repo: { full_name: string } } }).head;
      head.repo.full_name = `stranger/${name}`;
    }
    return deliverWebhook({ url: pipeline.webhook.url, secret: SECRET, event: 'pull_request', payload });
  };
  /** A commit on the pull request's branch, whose overlay says `environment` (a ConfigMap value). */
  const pushToPullRequest = async (number: number, environment: string) => {
    await repo.git.switchBranch(`feature-${number}`);
    heads.set(number, await repo.git.commitAndPush(`pull request ${number}: ${environment}`, files(environment)));
    await repo.git.switchBranch('main');
  };
  const previewRun = async (number: number): Promise<CheckRun> => {
    const runs = await completedCheckRuns(pipeline.github, name, heads.get(number) ?? '', [`preview/${ENV}`], 120_000);
    const run = runs.find((candidate) => candidate.name === `preview/${ENV}`);
    if (!run) throw new Error('no preview check run');
    return run;
  };
  /** The pipeline's comments on a pull request (there should be exactly one). */
  const comments = async (number: number) =>
    (await pipeline.github.issues.listComments({ owner: OWNER, repo: name, issue_number: number })).data;
  /** The one comment, once it says every one of `texts`. */
  const commentSaying = async (number: number, ...texts: string[]) => {
    const seen = await eventually(
      () => comments(number),
      (list) => list.length > 0 && texts.every((text) => list[0]?.body?.includes(text)),
      60_000,
    );
    expect(seen).toHaveLength(1);
    return seen[0]!;
  };
  const commentIds = new Map<number, number>();
  /** The ENVIRONMENT value of the ConfigMap the preview's catalog Deployment reads. */
  const environmentValue = async (ns: string) => {
    const maps = await kit.cluster.list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns });
    return maps
      .filter((map) => map.metadata.name.startsWith('shop-environment'))
      .map((map) => (map['data'] as Record<string, string>)['ENVIRONMENT']);
  };

  beforeAll(async () => {
    kit = await openWorkerKit();
    // A collector pass every second: the test waits for the state it asserts, not for the production interval.
    pipeline = await startPipeline({ previewCollectEveryMs: 1_000 });
    repo = await createTestRepo('e2e-pv');
    name = uniqueName('shop');
    prefix = `${uniqueName('e2e-pv')}-pr-`;
    baseSha = await repo.git.commitAndPush('catalog in dev, previews on', files('dev'));
    expect((await deliverPush(pipeline, repo, name, ZERO_SHA, baseSha)).status).toBe(202);
    expect(
      await eventually(
        () => statusStates(pipeline.github, name, baseSha, `deploy/${ENV}`),
        (states) => states.some((state) => state !== 'pending'),
        120_000,
      ),
    ).toEqual(['pending', 'success']);
  }, 180_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close(repo ? [repo.namespace, ...[12, 13, 14, 15, 16, 17].map(namespaceOf)] : []);
    await repo?.git.cleanup();
  });

  it('deploys two pull requests into two isolated, labelled, bounded namespaces, healthy', async () => {
    await pushToPullRequest(12, 'preview-12');
    await pushToPullRequest(13, 'preview-13');

    expect((await deliverPullRequest('opened', 12)).status).toBe(202);
    expect((await deliverPullRequest('opened', 13)).status).toBe(202);

    for (const number of [12, 13]) {
      const run = await previewRun(number);
      const ns = namespaceOf(number);
      expect([run.conclusion, run.external_id]).toEqual(['success', `preview:${ENV}:${heads.get(number)}`]);
      expect(run.output.summary).toContain(`#### Preview \`pr-${number}/${ENV}\``);
      expect(run.output.summary).toContain(`\`catalog.${ns}.svc.cluster.local\``);
      // The environment's own Namespace is cluster-scoped: listed as not applied.
      expect(run.output.summary).toContain(`\`Namespace/${repo.namespace}\``);
      expect((await namespace(number))?.metadata.labels).toMatchObject({
        'gantry.dev/preview-of': ENV,
        'gantry.dev/pull-request': String(number),
        'gantry.dev/head-commit': heads.get(number),
        'gantry.dev/repository': `${OWNER}.${name}`,
      });
      expect(await environmentValue(ns)).toEqual([`preview-${number}`]);
      const deployment = await kit.cluster.get(ref('apps/v1', 'Deployment', 'catalog', ns));
      expect((deployment?.['status'] as { readyReplicas?: number }).readyReplicas).toBe(2);
      expect((await kit.cluster.get(ref('v1', 'ResourceQuota', 'preview', ns)))?.['spec']).toEqual({ hard: { pods: '10' } });
      expect(await kit.cluster.get(ref('networking.k8s.io/v1', 'NetworkPolicy', 'preview-boundary', ns))).toBeDefined();
      // Its own release history, in its own namespace.
      const history = new KubeReleaseStore(kit.cluster, { environment: ENV, namespace: ns });
      expect((await history.list()).map((release) => [release.commit, release.outcome])).toEqual([
        [heads.get(number), 'succeeded'],
      ]);      // A GitHub Deployment of its own: transient, never production, its first Service's URL to view it.
      const [shown] = await eventually(
        () => deploymentsOf(pipeline.github, name, heads.get(number) ?? ''),
        (seen) => seen[0]?.states.at(-1) === 'success',
        30_000,
      );
      expect(shown).toMatchObject({
        environment: `pr-${number}/${ENV}`,
        transient: true,
        production: false,
        states: ['queued', 'in_progress', 'success'],
        environmentUrl: `http://catalog.${ns}.svc.cluster.local`,
      });
      // One comment: the preview (healthy, its namespace and URL, its check run) and the diff against dev.
      const comment = await commentSaying(
        number,
        `Preview \`pr-${number}/${ENV}\`: **healthy** at \`${heads.get(number)?.slice(0, 7)}\`, namespace \`${ns}\``,
        `- \`catalog.${ns}.svc.cluster.local\``,
        `Not applied (cluster-scoped): \`Namespace/${repo.namespace}\``,
        'What would change',
      );
      expect(comment.body).toContain(`[check run](${run.html_url})`);
      commentIds.set(number, comment.id);
    }
    // The environment itself is as the push left it.
    expect(await environmentValue(repo.namespace)).toEqual(['dev']);
    expect((await kit.releases(repo.namespace).list()).map((release) => release.commit)).toEqual([baseSha]);
  }, 240_000);

  it("refuses a third preview over the environment's limit, naming the pull requests that hold it", async () => {
    await pushToPullRequest(15, 'preview-15');

    expect((await deliverPullRequest('opened', 15)).status).toBe(202);

    const run = await previewRun(15);
    expect(run.conclusion).toBe('failure');
    expect(run.output.summary).toContain('PreviewLimitReached');
    expect(run.output.summary).toContain(`#12 (${namespaceOf(12)}), #13 (${namespaceOf(13)})`);
    expect(await namespace(15)).toBeUndefined();
  }, 180_000);

  it('redeploys a preview when its pull request gets a push', async () => {
    const previousHead = heads.get(12) ?? '';
    await pushToPullRequest(12, 'preview-12-again');

    expect((await deliverPullRequest('synchronize', 12)).status).toBe(202);

    expect((await previewRun(12)).conclusion).toBe('success');
    expect(await environmentValue(namespaceOf(12))).toEqual(['preview-12-again']);
    expect((await namespace(12))?.metadata.labels?.['gantry.dev/head-commit']).toBe(heads.get(12));
    const history = new KubeReleaseStore(kit.cluster, { environment: ENV, namespace: namespaceOf(12) });
    expect((await history.list()).map((release) => release.outcome)).toEqual(['succeeded', 'succeeded']);
    // The new head's Deployment supersedes the previous one.
    await eventually(
      () => deploymentsOf(pipeline.github, name, heads.get(12) ?? ''),
      (seen) => seen[0]?.states.at(-1) === 'success',
      30_000,
    );
    // The same report job marks the previous head's Deployment inactive right after writing the new one's success.
    const [previous] = await eventually(
      () => deploymentsOf(pipeline.github, name, previousHead),
      (seen) => seen[0]?.states.at(-1) === 'inactive',
      30_000,
    );
    expect(previous?.states).toEqual(['queued', 'in_progress', 'success', 'inactive']);
    // The same comment, edited: about the new head now.
    const comment = await commentSaying(12, `**healthy** at \`${heads.get(12)?.slice(0, 7)}\``);
    expect(comment.id).toBe(commentIds.get(12));
    expect(comment.body).not.toContain(previousHead.slice(0, 7));
  }, 180_000);

  it('deletes the namespace when the pull request closes, and only that one', async () => {
    expect((await deliverPullRequest('closed', 12)).status).toBe(202);

    await eventually(() => namespace(12), (ns) => ns === undefined, 120_000);
    expect(await namespace(13)).toBeDefined();
    // GitHub shows the closed pull request's preview inactive, the other one still live.
    const [closed] = await eventually(
      () => deploymentsOf(pipeline.github, name, heads.get(12) ?? ''),
      (seen) => seen[0]?.states.at(-1) === 'inactive',
      30_000,
    );
    expect(closed?.environment).toBe(`pr-12/${ENV}`);
    const [open] = await deploymentsOf(pipeline.github, name, heads.get(13) ?? '');
    expect(open?.states.at(-1)).toBe('success');
    // The comment says so, its diff kept.
    const comment = await commentSaying(12, `Preview \`pr-12/${ENV}\`: **torn down**, namespace \`${namespaceOf(12)}\` deleted`);
    expect(comment.id).toBe(commentIds.get(12));
    expect(comment.body).toContain('The pull request closed.');
    expect(comment.body).toContain('What would change');
  }, 180_000);

  it('collects a preview whose pull request was closed without the webhook reaching the pipeline', async () => {
    expect(await namespace(13)).toBeDefined();

    // GitHub closes #13; its `closed` delivery is lost. Only the periodic collector can notice.
    await new GitHubEmulatorClient(need('github').url).seedPull({
      owner: OWNER,
      repo: name,
      number: 13,
      head: { ref: 'feature-13', sha: heads.get(13) ?? '' },
      base: { ref: 'main', sha: baseSha },
      state: 'closed',
    });

    await eventually(() => namespace(13), (ns) => ns === undefined, 120_000);
    // The same teardown as a delivered `closed`: GitHub shows it inactive, the comment torn down.
    await eventually(
      () => deploymentsOf(pipeline.github, name, heads.get(13) ?? ''),
      (seen) => seen[0]?.states.at(-1) === 'inactive',
      30_000,
    );
    const comment = await commentSaying(13, `Preview \`pr-13/${ENV}\`: **torn down**`);
    expect(comment.id).toBe(commentIds.get(13));
  }, 180_000);

  it('fails a preview whose pods its quota refuses, saying so, and changes nothing outside its namespace', async () => {
    // The pull request asks for 12 catalog pods; the preview's quota allows 10. It raises that quota, and opens its
    // preview to kube-system, in its own env.yaml: the base branch's configures the preview all the same.
    await repo.git.switchBranch('feature-17');
    const kustomization = `environments/${ENV}/kustomization.yaml`;
    const envFile = `environments/${ENV}/env.yaml`;
    const fewer: FixtureFiles = files('preview-17');
    const many = {
      ...fewer,
      [kustomization]: String(fewer[kustomization]).replace('    count: 2', '    count: 12'),
      [envFile]: String(fewer[envFile]).replace('    pods: 10\n', '    pods: 100\n  allowFrom: [kube-system]\n'),
    };
    heads.set(17, await repo.git.commitAndPush('pull request 17: twelve replicas', many));
    await repo.git.switchBranch('main');

    expect((await deliverPullRequest('opened', 17)).status).toBe(202);

    const run = await previewRun(17);
    expect(run.conclusion).toBe('failure');
    expect(run.output.summary).toContain('exceeded quota');
    expect(run.output.summary).toContain('This pull request changes env.yaml (`preview`): not used for its own preview');
    expect(((await kit.cluster.get(ref('v1', 'ResourceQuota', 'preview', namespaceOf(17))))?.['status'] as { used: unknown }).used).toEqual({
      pods: '10',
    });
    const boundary = await kit.cluster.get(ref('networking.k8s.io/v1', 'NetworkPolicy', 'preview-boundary', namespaceOf(17)));
    expect((boundary?.['spec'] as { ingress: unknown[] }).ingress).toEqual([{ from: [{ podSelector: {} }] }]);
    // Left for inspection, and said so; dev is as it was.
    await commentSaying(
      17,
      `Preview \`pr-17/${ENV}\`: **failed**`,
      '**HealthCheckTimeout**',
      'exceeded quota',
      'not rolled back',
      'the changes apply once merged',
    );
    expect(await environmentValue(repo.namespace)).toEqual(['dev']);
    expect((await kit.releases(repo.namespace).list()).map((release) => release.commit)).toEqual([baseSha]);
  }, 180_000);

  it('reports a head commit force-pushed away before the fetch, and creates nothing', async () => {
    // The webhook names a commit the repository no longer has (a force-push landed right after it).
    heads.set(16, randomBytes(20).toString('hex'));

    expect((await deliverPullRequest('opened', 16)).status).toBe(202);

    const run = await previewRun(16);
    expect(run.conclusion).toBe('failure');
    expect(run.output.summary).toContain(`commit ${heads.get(16)} does not exist`);
    expect(await namespace(16)).toBeUndefined();
    await commentSaying(16, `Preview \`pr-16/${ENV}\`: **failed**`, 'does not exist');
  }, 180_000);

  it("gives a fork's pull request its diff and no preview", async () => {
    await pushToPullRequest(14, 'from-a-fork');

    expect((await deliverPullRequest('opened', 14, true)).status).toBe(202);

    const runs = await completedCheckRuns(pipeline.github, name, heads.get(14) ?? '', [`diff/${ENV}`], 120_000);
    // The plan enqueues every request's pending report before any result: a planned preview would show here (beside
    // gantry/validate, which every pull request gets, finished or not yet).
    const deploys = runs.filter((run) => run.name !== VALIDATE_CHECK);
    expect(deploys.map((run) => [run.name, run.conclusion])).toEqual([[`diff/${ENV}`, 'success']]);
    expect(await namespace(14)).toBeUndefined();
    // The comment says why, and what a maintainer can do.
    const comment = await commentSaying(14, 'No preview: this pull request comes from a fork', 'adds the label `safe-to-preview`');
    expect(comment.body).not.toContain('Preview `pr-14');
  }, 180_000);
});
