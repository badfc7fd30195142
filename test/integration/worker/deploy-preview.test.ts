// A preview deploy through the deploy stage on the real apiserver: the environment's overlay lands in the pull
// request's namespace with its own history, the environment's namespace untouched; a failed rollout is left as it
// is for inspection, never rolled back to the pull request's previous commit; a pull request that raises its own
// preview limits in its env.yaml gets the base branch's, and is told so.
import { KubeReleaseStore } from '../../../adapters/kube/index.js';
import type { DeployRequest } from '../../../core/deploy/deploy-request.js';
import { Reason } from '../../../core/reasons.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import type { FixtureFiles } from '../../platform/git-fixtures.js';
import {
  createTestRepo,
  ENV,
  openWorkerKit,
  overlayFiles,
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
  let raising: string;

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('worker-preview');
    preview = `${repo.namespace}-pr-5`;
    raising = `${repo.namespace}-pr-6`;
  });
  afterAll(async () => {
    await kit.close([repo.namespace, preview, raising]);
    await repo.git.cleanup();
  });

  /** A preview of pull request `number` at `sha`, into `main` whose tip is `base` (what the plan read). */
  const previewRequest = (sha: string, base: string, number = 5, namespace = preview): DeployRequest =>
    pushRequest(repo, sha, {
      ref: `refs/pull/${number}/head`,
      before: base,
      trigger: { kind: 'pull_request', number, headSha: sha, baseRef: 'main', headRef: 'feature', fromFork: false },
      target: { kind: 'preview', namespace },
    });

  it('deploys into the preview namespace, then leaves a failed rollout as it is', async () => {
    const good = await repo.commit('catalog');

    const first = await deployEnvironment(previewRequest(good, good), kit.deps, testContext());

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
    const second = await deployEnvironment(previewRequest(bad, good), kit.deps, testContext());

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

  it("configures the preview from the base branch's env.yaml, not the pull request's own", async () => {
    /** The overlay with `preview:` appended to its env.yaml. */
    const withPreview = (files: FixtureFiles, preview: string): FixtureFiles => {
      const envFile = `environments/${ENV}/env.yaml`;
      return { ...files, [envFile]: `${String(files[envFile])}preview:\n  enabled: true\n${preview}` };
    };
    const base = await repo.git.commitAndPush(
      'previews on, 10 pods each, nothing let in',
      withPreview(overlayFiles(repo.namespace), '  maxConcurrent: 2\n  quota:\n    pods: 10\n'),
    );
    // The pull request adds a ConfigMap to the overlay (its change to preview) and raises its own limits.
    const head = await repo.git.commitAndPush(
      'feature flags, and more room for my preview',
      withPreview(
        overlayFiles(repo.namespace, { featureFlags: true }),
        '  maxConcurrent: 50\n  allowFrom: [kube-system]\n  quota:\n    pods: 100\n',
      ),
    );

    const result = await deployEnvironment(previewRequest(head, base, 6, raising), kit.deps, testContext());

    expect(result).toMatchObject({ outcome: 'succeeded', preview: { namespace: raising, ignoredConfig: ['preview'] } });
    // The head's overlay is what runs...
    expect(await kit.cluster.get(ref('v1', 'ConfigMap', 'feature-flags', raising))).toBeDefined();
    // ...within the base's quota and network boundary.
    expect((await kit.cluster.get(ref('v1', 'ResourceQuota', 'preview', raising)))?.['spec']).toEqual({ hard: { pods: '10' } });
    const boundary = await kit.cluster.get(ref('networking.k8s.io/v1', 'NetworkPolicy', 'preview-boundary', raising));
    expect((boundary?.['spec'] as { ingress: unknown[] }).ingress).toEqual([{ from: [{ podSelector: {} }] }]);
  }, 120_000);
});
