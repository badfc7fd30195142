// Property-style: over generated environments and live mutations behind the pipeline's back (fields changed by
// other managers, objects deleted, an HPA scaling, someone else's annotation, a watch expiring mid-deploy), a
// deploy that diffs against the live-state cache finds the same change set as one that reads and dry-runs every
// object. A seeded generator (fast-check is not installed): a failure names its seed, and the seed reproduces it.
import { pino } from 'pino';
import type { ChangeSet } from '../../../core/diff/change-set.js';
import { managedFieldsOf } from '../../../core/diff/owned-fields.js';
import type { KubeObject, ObjectRef } from '../../../core/kube/object.js';
import { refKey } from '../../../core/kube/object.js';
import type { LiveCache } from '../../../core/ports/live-cache.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import { liveStates } from '../../../worker/stages/deploy/live-state.js';
import type { DeployDeps } from '../../../worker/stages/deploy/deploy-types.js';
import { kubectl } from '../../platform/connect.js';
import {
  createTestRepo,
  openWorkerKit,
  overlayFiles,
  pushRequest,
  ref,
  testContext,
  type OverlayOptions,
  type TestRepo,
  type WorkerKit,
} from './worker-test-kit.js';


/** mulberry32: a small seeded PRNG, so a failing case is replayed by its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Generated {
  readonly overlay: OverlayOptions;
  /** ConfigMap name → data, added to the overlay. */
  readonly configMaps: Record<string, Record<string, string>>;
}

function generateEnvironment(rand: () => number): Generated {
  const configMaps: Record<string, Record<string, string>> = {};
  const count = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < count; i++) {
    const data: Record<string, string> = {};
    for (let k = 0; k < 1 + Math.floor(rand() * 3); k++) data[`key-${k}`] = `v${Math.floor(rand() * 100)}`;
    configMaps[`generated-${i}`] = data;
  }
  return { overlay: { autoscaled: rand() < 0.5, featureFlags: rand() < 0.5 }, configMaps };
}

/** The next commit: one value changed, one ConfigMap added or removed, or nothing. */
function evolve(rand: () => number, env: Generated): Generated {
  const configMaps = structuredClone(env.configMaps);
  const names = Object.keys(configMaps);
  const choice = rand();
  if (choice < 0.4)
    configMaps[names[0] as string] = {
      ...configMaps[names[0] as string],
      'key-0': `changed-${Math.floor(rand() * 100)}`,
    };
  else if (choice < 0.6) configMaps[`generated-${names.length}`] = { added: 'yes' };
  else if (choice < 0.8 && names.length > 1) delete configMaps[names.at(-1) as string];
  // Always rendered by the next commit; the `precreated` mutation makes it by hand first (an adoption).
  configMaps['precreated'] = { a: 'desired' };
  return { ...env, configMaps };
}

const MUTATIONS = [
  'edit-owned',
  'delete',
  'hpa-scale',
  'annotate',
  'edit-image',
  'expire-watch',
  'unmanaged',
  'precreated',
  'disown',
] as const;
type Mutation = (typeof MUTATIONS)[number];

function files(namespace: string, env: Generated) {
  const base = overlayFiles(namespace, env.overlay);
  const kustomization = (base['environments/dev/kustomization.yaml'] as string).replace(
    'resources:\n',
    'resources:\n  - generated.yaml\n',
  );
  const generated = Object.entries(env.configMaps)
    .map(
      ([name, data]) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n${Object.entries(data)
          .map(([k, v]) => `  ${k}: "${v}"`)
          .join('\n')}\n`,
    )
    .join('---\n');
  return {
    ...base,
    'environments/dev/kustomization.yaml': kustomization,
    'environments/dev/generated.yaml': generated,
  };
}

/** Fault injection: the watch expires (410 Gone) while this deploy reads the cache, so the snapshot is refused. */
function expiringOnce(cache: LiveCache): LiveCache & { expireNext(): void } {
  let expire = false;
  return {
    subscribe: (listener) => cache.subscribe(listener),
    snapshot: async (refs, options) => {
      const live = await cache.snapshot(refs, options);
      if (!expire) return live;
      expire = false;
      return undefined;
    },
    expireNext: () => (expire = true),
  };
}

function entries(changeSet: ChangeSet | undefined): string[] {
  return (changeSet?.entries ?? []).map((entry) => JSON.stringify(entry));
}

const SEEDS = [11, 23, 37, 41, 59, 67, 73, 83, 97];

describe('the cache path and the full path find the same change set (seeded generator)', () => {
  let kit: WorkerKit;
  const repos: TestRepo[] = [];
  const covered = new Set<string>();

  beforeAll(async () => {
    kit = await openWorkerKit();
  });
  afterAll(async () => {
    await kit.close(repos.map((repo) => repo.namespace));
    for (const repo of repos) await repo.git.cleanup();
  });

  /** Waits until the cache holds each of `refs` that gantry manages at the apiserver's resourceVersion, and no other. */
  async function cacheCaughtUp(cache: LiveCache, refs: readonly ObjectRef[]): Promise<void> {
    const version = (object: KubeObject | undefined) => object?.metadata['resourceVersion'];
    for (;;) {
      const live = await kit.cluster.getMany(refs);
      const cached = await cache.snapshot(refs, { waitMs: 5_000 });
      const managed = (object: KubeObject | undefined) =>
        object !== undefined && managedFieldsOf(object).some((entry) => entry.manager === 'gantry')
          ? object
          : undefined;
      if (cached && refs.every((ref, i) => version(cached.get(refKey(ref))) === version(managed(live[i])))) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it.each(SEEDS)(
    'seed %i',
    async (seed) => {
      const rand = prng(seed);
      const repo = await createTestRepo(`equiv-${seed}`);
      repos.push(repo);
      const cache = expiringOnce(kit.cluster.liveCache({ managedBy: 'gantry' }));
      const cached: DeployDeps = { ...kit.deps, liveState: liveStates(() => cache, 'gantry') };
      const ns = ['-n', repo.namespace];

      let env = generateEnvironment(rand);
      const first = await repo.git.commitAndPush('generated', files(repo.namespace, env));
      // Cold, then warm: the memo learns what was applied.
      expect((await deployEnvironment(pushRequest(repo, first), cached, testContext())).outcome).toBe('succeeded');
      expect((await deployEnvironment(pushRequest(repo, first), cached, testContext())).outcome).toBe('succeeded');

      const before = env;
      env = evolve(rand, env);
      const mutations = MUTATIONS.filter(() => rand() < 0.5);
      // `disown` makes a prune candidate nobody manages: the next commit drops a ConfigMap if it drops none yet.
      const dropsOne = Object.keys(before.configMaps).some((name) => !(name in env.configMaps));
      if (mutations.includes('disown') && !dropsOne) {
        const configMaps = { ...env.configMaps };
        delete configMaps['generated-0'];
        env = { ...env, configMaps };
      }
      const next = await repo.git.commitAndPush('evolved', files(repo.namespace, env));
      const names = Object.keys(env.configMaps);
      const someConfigMap = names[Math.floor(rand() * names.length)] as string;
      for (const mutation of mutations as Mutation[]) {
        if (mutation === 'edit-owned')
          await kubectl(
            ...ns,
            'patch',
            'configmap',
            someConfigMap,
            '--type=merge',
            '--field-manager=kubectl-edit',
            '-p',
            '{"data":{"key-0":"edited"}}',
          ).catch(() => undefined);
        if (mutation === 'delete') await kubectl(...ns, 'delete', 'service', 'catalog');
        if (mutation === 'hpa-scale')
          await kubectl(
            ...ns,
            'patch',
            'deployment',
            'catalog',
            '--subresource=scale',
            '--type=merge',
            '--field-manager=horizontal-pod-autoscaler',
            '-p',
            '{"spec":{"replicas":3}}',
          );
        if (mutation === 'annotate')
          await kubectl(...ns, 'annotate', 'deployment', 'catalog', 'example.com/note=not-ours');
        if (mutation === 'edit-image')
          await kubectl(...ns, 'set', 'image', 'deployment/catalog', 'catalog=registry.local/shop/catalog:edited');
        if (mutation === 'unmanaged') await kubectl(...ns, 'create', 'configmap', 'not-ours', '--from-literal=a=b');
        // Every managedFields entry cleared: the object is nobody's now (a prune candidate, when the commit dropped it).
        if (mutation === 'disown') {
          const dropped = Object.keys(before.configMaps).find((name) => !(name in env.configMaps)) ?? 'generated-0';
          await kubectl(
            ...ns,
            'patch',
            'configmap',
            dropped,
            '--type=merge',
            '-p',
            '{"metadata":{"managedFields":[{}]}}',
          );
        }
        if (mutation === 'precreated')
          await kubectl(...ns, 'create', 'configmap', 'precreated', '--from-literal=a=by-hand');
      }

      const dryRun = { mode: 'dry-run' as const };
      const full = await deployEnvironment(pushRequest(repo, next, dryRun), kit.deps, testContext());
      const refs = (full.changeSet?.entries ?? []).map((entry) => entry.ref);
      await cacheCaughtUp(cache, refs);
      // The cache holds only what gantry manages: an object made by hand is not in it, though it exists.
      const byHand = [
        ref('v1', 'ConfigMap', 'not-ours', repo.namespace),
        ref('v1', 'ConfigMap', 'precreated', repo.namespace),
      ];
      expect((await cache.snapshot(byHand, { waitMs: 5_000 }))?.size).toBe(0);
      if (mutations.includes('expire-watch')) cache.expireNext();
      const logged: string[] = [];
      const log = pino(
        { level: 'debug' },
        { write: (line: string) => void logged.push((JSON.parse(line) as { msg: string }).msg) },
      );
      const viaCache = await deployEnvironment(pushRequest(repo, next, dryRun), cached, { ...testContext(), log });
      // The full path again: nothing moved in between (a controller's status write would show up here, not as a miss).
      const fullAgain = await deployEnvironment(pushRequest(repo, next, dryRun), kit.deps, testContext());

      expect({ seed, mutations, entries: entries(viaCache.changeSet) }).toEqual({
        seed,
        mutations,
        entries: entries(fullAgain.changeSet),
      });
      expect(entries(full.changeSet)).toEqual(entries(fullAgain.changeSet));
      // The cache was used unless its watch expired, which the deploy says (else this compares the full path with itself).
      const expired = mutations.includes('expire-watch');
      expect(logged.includes('live-state cache used')).toBe(!expired);
      expect(logged.some((msg) => msg.startsWith('the live-state cache is not synced'))).toBe(expired);
      for (const mutation of mutations) covered.add(mutation);
      if (entries(full.changeSet).some((entry) => !entry.startsWith('{"action":"unchanged"'))) covered.add('a change');
    },
    120_000,
  );

  it('the seeds cover every mutation, and at least one of them changes something', () => {
    expect([...covered].sort()).toEqual([...MUTATIONS, 'a change'].sort());
  });
});
