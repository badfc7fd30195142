// A preview deploy through the deploy stage on the real apiserver: the environment's overlay lands in the pull
// request's namespace with its own history, the environment's namespace untouched; a failed rollout is left as it
// is for inspection, never rolled back to the pull request's previous commit.
import { KubeReleaseStore } from '../../../adapters/kube/index.js';
import type { DeployRequest } from '../../../core/deploy/deploy-request.js';
import { Reason } from '../../../core/reasons.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import {
  createTestRepo,
  ENV,
  openWorkerKit,
  pushRequest,
  ref,
  testContext,
  type TestRepo,
  type WorkerKit,
} from './worker-test-kit.js';

describe('deployEnvironment for a preview', () => {
  let kit: WorkerKit;
  let repo: TestRepo;
  let preview: string;

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('worker-preview');
    preview = `${repo.namespace}-pr-5`;
  });
  afterAll(async () => {
    await kit.close([repo.namespace, preview]);
    await repo.git.cleanup();
  });

  const previewRequest = (sha: string): DeployRequest =>
    pushRequest(repo, sha, {
      ref: 'refs/pull/5/head',
      trigger: { kind: 'pull_request', number: 5, headSha: sha, baseRef: 'main', headRef: 'feature', fromFork: false },
      target: { kind: 'preview', namespace: preview },
    });

  it('deploys into the preview namespace, then leaves a failed rollout as it is', async () => {
    const good = await repo.commit('catalog');

    const first = await deployEnvironment(previewRequest(good), kit.deps, testContext());

    expect(first).toMatchObject({
      outcome: 'succeeded',
      preview: {
        environmentName: 'pr-5/dev',
        transient: true,
        pullRequest: 5,
        namespace: preview,
        urls: [`catalog.${preview}.svc.cluster.local`],
        skipped: [{ kind: 'Namespace', name: repo.namespace }],
      },
    });
    expect(await kit.cluster.get(ref('apps/v1', 'Deployment', 'catalog', preview))).toBeDefined();
    expect(await kit.cluster.get(ref('apps/v1', 'Deployment', 'catalog', repo.namespace))).toBeUndefined();
    expect(await kit.releases(repo.namespace).list()).toEqual([]);

    const bad = await repo.commit('catalog pods never get ready', { neverReady: true });
    const second = await deployEnvironment(previewRequest(bad), kit.deps, testContext());

    expect(second.outcome).toBe('failed');
    expect([Reason.CrashLoopBackOff, Reason.ProgressDeadlineExceeded]).toContain(second.reason);
    expect(second.rolledBackTo).toBeUndefined();
    // The failed template is still there for the author to look at.
    const deployment = await kit.cluster.get(ref('apps/v1', 'Deployment', 'catalog', preview));
    const labels = (deployment?.['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template
      .metadata.labels;
    expect(labels['gantry.dev/simulate']).toBe('never-ready');
    const history = new KubeReleaseStore(kit.cluster, { environment: ENV, namespace: preview });
    // Newest first: the failed release stays failed; no rollback release was recorded.
    expect((await history.list()).map((release) => [release.commit, release.outcome])).toEqual([
      [bad, 'failed'],
      [good, 'succeeded'],
    ]);
  }, 120_000);

});
