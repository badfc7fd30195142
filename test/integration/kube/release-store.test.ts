import type { KubeCluster } from '../../../adapters/kube/cluster.js';
import { KubeReleaseStore } from '../../../adapters/kube/release-store.js';
import { DeployError } from '../../../core/deploy-error.js';
import type { KubeObject } from '../../../core/kube/object.js';
import type { ReleaseDraft } from '../../../core/ports/release-store.js';
import { Reason } from '../../../core/reasons.js';
import { inventoryToPrune } from '../../../core/release/release-history.js';
import { configMap, deployment, FIELD_MANAGER, openTestCluster, ref } from './kube-fixtures.js';

describe('KubeReleaseStore: release history as Secrets in the environment namespace', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('kube-releases'));
  });
  afterAll(() => cleanup());

  const storeFor = (environment: string) =>
    new KubeReleaseStore(cluster, { environment, namespace, fieldManager: FIELD_MANAGER });
  const draft = (
    deployId: string,
    commit: string,
    manifests: readonly KubeObject[],
    outcome: ReleaseDraft['outcome'] = 'deploying',
  ): ReleaseDraft => ({
    deployId,
    commit,
    manifestDigest: `sha256:${commit}`,
    inventory: manifests.map((m) => ref(m.apiVersion, m.kind, m.metadata.name, m.metadata.namespace)),
    outcome,
    startedAt: '2026-11-25T10:00:00.000Z',
  });

  it('records a release with its manifests and reads both back, labelled for selection', async () => {
    const store = storeFor('roundtrip');
    const manifests = [
      deployment(namespace, 'api', { replicas: 3 }),
      configMap(namespace, 'settings', { greeting: 'héllo' }),
    ];

    const release = await store.record(draft('job-1', 'a1b2c3', manifests), manifests);
    const stored = await store.get(release.revision);

    expect(release.revision).toBe(1);
    expect(stored?.release).toEqual(release);
    expect(stored?.manifests).toEqual(manifests);
    const secret = await cluster.get(ref('v1', 'Secret', 'gantry-release.roundtrip.v1', namespace));
    expect(secret?.type).toBe('gantry.dev/release.v1');
    expect(secret?.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'gantry',
      'gantry.dev/environment': 'roundtrip',
      'gantry.dev/revision': '1',
      'gantry.dev/outcome': 'deploying',
    });
  });

  it('updates the outcome in the record and the label, keeping the manifests', async () => {
    const store = storeFor('outcome');
    const manifests = [configMap(namespace, 'c')];
    const { revision } = await store.record(draft('job-1', 'c0ffee', manifests), manifests);

    const updated = await store.update(revision, {
      outcome: 'failed',
      reason: Reason.ProgressDeadlineExceeded,
      message: 'Deployment/x/api stopped progressing',
      finishedAt: '2026-11-25T10:05:00.000Z',
    });

    const stored = await store.get(revision);
    expect(stored?.release).toEqual(updated);
    expect(stored?.release.reason).toBe('ProgressDeadlineExceeded');
    expect(stored?.manifests).toEqual(manifests);
    const secret = await cluster.get(ref('v1', 'Secret', `gantry-release.outcome.v${revision}`, namespace));
    expect(secret?.metadata.labels?.['gantry.dev/outcome']).toBe('failed');
  });

  it('records the same deploy attempt once, however often a resumed job records it', async () => {
    const store = storeFor('idempotent');
    const manifests = [configMap(namespace, 'c')];

    const first = await store.record(draft('job-7', 'abc', manifests), manifests);
    const again = await store.record(draft('job-7', 'abc', manifests), manifests);
    const next = await store.record(draft('job-8', 'def', manifests), manifests);

    expect([first.revision, again.revision, next.revision]).toEqual([1, 1, 2]);
    expect((await store.list()).map((r) => r.revision)).toEqual([2, 1]);
  });

  it('lists newest first, finds the last good release, and keeps each environment to itself', async () => {
    const store = storeFor('history');
    const other = storeFor('history-other');
    const outcomes = ['succeeded', 'succeeded', 'failed', 'rolled-back', 'deploying'] as const;
    for (const [i, outcome] of outcomes.entries()) {
      const manifests = [configMap(namespace, `v${i + 1}`)];
      await store.record(draft(`job-${i + 1}`, `sha${i + 1}`, manifests, outcome), manifests);
    }
    await other.record(draft('job-x', 'other', [], 'succeeded'), []);

    const list = await store.list();
    const lastGood = await store.lastGood();

    expect(list.map((r) => `${r.revision}:${r.outcome}`)).toEqual([
      '5:deploying',
      '4:rolled-back',
      '3:failed',
      '2:succeeded',
      '1:succeeded',
    ]);
    expect(lastGood?.release.commit).toBe('sha2');
    expect(lastGood?.manifests).toEqual([configMap(namespace, 'v2')]);
    expect((await other.list()).map((r) => r.commit)).toEqual(['other']);
  });

  it('prunes to the newest N, never deleting the last good release', async () => {
    const store = storeFor('prune');
    const outcomes = ['succeeded', 'failed', 'failed', 'failed', 'failed'] as const;
    for (const [i, outcome] of outcomes.entries())
      await store.record(draft(`job-${i + 1}`, `sha${i + 1}`, [], outcome), []);

    const deleted = await store.prune(2);

    expect(deleted).toEqual([2, 3]);
    expect((await store.list()).map((r) => r.revision)).toEqual([5, 4, 1]);
    expect((await store.lastGood())?.release.revision).toBe(1);
    expect(await store.get(2)).toBeUndefined();
  });

  it('returns nothing for an environment with no history', async () => {
    const store = storeFor('empty');

    expect(await store.list()).toEqual([]);
    expect(await store.lastGood()).toBeUndefined();
    expect(await store.get(1)).toBeUndefined();
    expect(await store.prune(3)).toEqual([]);
  });

  it('gives the next release the inventories to prune against, back to the last success', async () => {
    const store = storeFor('inventory');
    const v1 = [configMap(namespace, 'a'), configMap(namespace, 'b')];
    const v2 = [configMap(namespace, 'a'), configMap(namespace, 'c')];
    const v3 = [configMap(namespace, 'd')];
    await store.record(draft('job-1', 'sha1', v1, 'succeeded'), v1);
    await store.record(draft('job-2', 'sha2', v2, 'succeeded'), v2);
    await store.record(draft('job-3', 'sha3', v3, 'failed'), v3);

    const refs = inventoryToPrune(await store.list());

    // The failed release may have applied d; the last good one left a and c; b was pruned by release 2.
    expect(refs.map((r) => r.name)).toEqual(['a', 'c', 'd']);
  });

  it('reports a corrupted release Secret as an unreadable release record', async () => {
    const store = storeFor('corrupt');
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'gantry.dev/release.v1',
      metadata: {
        name: 'gantry-release.corrupt.v1',
        namespace,
        labels: { 'app.kubernetes.io/managed-by': 'gantry', 'gantry.dev/environment': 'corrupt' },
      },
      data: { release: Buffer.from('not gzip').toString('base64'), manifests: '' },
    };
    await cluster.apply([secret], { fieldManager: FIELD_MANAGER });

    const error = await store.list().catch((err: unknown) => err);

    expect(error).toBeInstanceOf(DeployError);
    expect((error as DeployError).reason).toBe(Reason.ReleaseRecordInvalid);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Secret/${namespace}/gantry-release.corrupt.v1 is not a readable release: data.release is not gzipped JSON`,
      ),
    );
  });
});
