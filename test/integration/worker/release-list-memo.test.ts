import type { KubeCluster } from '../../../adapters/kube/cluster.js';
import { KubeReleaseStore } from '../../../adapters/kube/release-store.js';
import type { EnvConfig } from '../../../core/config/env-config.js';
import type { ReleaseDraft } from '../../../core/ports/release-store.js';
import { listOncePerRun } from '../../../worker/stages/deploy/release-list-memo.js';
import { deployedCommitFrom } from '../../../worker/stages/unchanged-environments.js';
import { configMap, FIELD_MANAGER, openTestCluster } from '../kube/kube-fixtures.js';

// A deploy run reads an environment's history once until it writes to it (worker/stages/deploy/release-list-memo.ts).
describe('listOncePerRun: the release history of one deploy run', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('release-list-memo'));
  });
  afterAll(() => cleanup());

  const env = (name: string) => ({ name, namespace }) as EnvConfig;
  const storesOfOneRun = () =>
    listOncePerRun((e) => new KubeReleaseStore(cluster, { environment: e.name, namespace: e.namespace, fieldManager: FIELD_MANAGER }));
  const draft = (deployId: string, commit: string): ReleaseDraft => ({
    deployId,
    commit,
    manifestDigest: `sha256:${commit}`,
    inventory: [],
    outcome: 'deploying',
    startedAt: '2026-12-04T10:00:00.000Z',
  });

  it('answers a second listing from the first, and lists again after each of its own writes', async () => {
    const storeOf = storesOfOneRun();
    const store = storeOf(env('memo'));
    const manifests = [configMap(namespace, 'settings', { a: '1' })];
    await store.record(draft('d-1', 'c1'), manifests);

    const first = await store.list();
    expect(await storeOf(env('memo')).list()).toBe(first);

    const second = await store.record(draft('d-2', 'c2'), manifests);
    expect((await store.list()).map((r) => r.revision)).toEqual([second.revision, 1]);

    await store.update(second.revision, { outcome: 'succeeded' });
    expect((await store.list())[0]?.outcome).toBe('succeeded');

    await store.prune(1);
    expect((await store.list()).map((r) => r.revision)).toEqual([second.revision]);
  });

  it('keeps the environments of one run apart, and a new run lists afresh', async () => {
    const storeOf = storesOfOneRun();
    await storeOf(env('memo-a')).record(draft('a-1', 'ca'), []);
    expect(await storeOf(env('memo-b')).list()).toEqual([]);

    const before = await storeOf(env('memo-a')).list();
    await new KubeReleaseStore(cluster, { environment: 'memo-a', namespace, fieldManager: FIELD_MANAGER }).record(draft('a-2', 'cb'), []);
    expect(await storeOf(env('memo-a')).list()).toBe(before);
    expect(await storesOfOneRun()(env('memo-a')).list()).toHaveLength(2);
  });
});

// Plans running at once ask for the commit each environment runs (worker/stages/unchanged-environments.ts).
describe('deployedCommitFrom: concurrent plans share a lookup in flight', () => {
  let cluster: KubeCluster;
  let namespace: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ cluster, namespace, cleanup } = await openTestCluster('deployed-commit'));
  });
  afterAll(() => cleanup());

  it('reads the history once for lookups that overlap, and again for a later one', async () => {
    const real = new KubeReleaseStore(cluster, { environment: 'shared', namespace, fieldManager: FIELD_MANAGER });
    const release = await real.record(
      { deployId: 's-1', commit: 'c'.repeat(40), manifestDigest: 'sha256:x', inventory: [], outcome: 'deploying', startedAt: '2026-12-04T10:00:00.000Z' },
      [],
    );
    await real.update(release.revision, { outcome: 'succeeded' });
    let lists = 0;
    const counting: typeof real = Object.assign(Object.create(real) as typeof real, {
      list: (options?: { signal?: AbortSignal }) => {
        lists++;
        return real.list(options);
      },
    });
    const deployed = deployedCommitFrom(() => counting);
    const env = { name: 'shared', namespace, cluster: { name: 'local' } } as EnvConfig;
    const signal = new AbortController().signal;

    const answers = await Promise.all([deployed(env, signal), deployed(env, signal), deployed(env, signal)]);
    expect(answers).toEqual(['c'.repeat(40), 'c'.repeat(40), 'c'.repeat(40)]);
    expect(lists).toBe(1);

    await deployed(env, signal);
    expect(lists).toBe(2);
  });
});
