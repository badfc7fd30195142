import {
  inventoryToPrune,
  lastGoodRelease,
  latestRelease,
  nextRevision,
  releasesToKeep,
  toInventory,
} from '../../../../core/release/release-history.js';
import { ref } from '../kube-objects.js';
import { release } from '../releases.js';

const history = [
  release(1, 'succeeded'),
  release(2, 'succeeded'),
  release(3, 'rolled-back'),
  release(4, 'failed'),
  release(5, 'superseded'),
];

describe('release history', () => {
  it('numbers the next attempt one above the highest revision, starting at 1', () => {
    expect(nextRevision([])).toBe(1);
    expect(nextRevision(history)).toBe(6);
    expect(nextRevision([release(7, 'failed'), release(3, 'succeeded')])).toBe(8);
  });

  it('finds the newest release, and the newest good one, optionally before a revision', () => {
    expect(latestRelease(history)?.revision).toBe(5);
    expect(lastGoodRelease(history)?.revision).toBe(2);
    expect(lastGoodRelease(history, 2)?.revision).toBe(1);
    expect(lastGoodRelease(history, 1)).toBeUndefined();
    expect(lastGoodRelease([])).toBeUndefined();
  });

  it('keeps the newest N records', () => {
    const { keep, drop } = releasesToKeep([...history, release(6, 'succeeded')], 3);
    expect(keep.map((r) => r.revision)).toEqual([6, 5, 4]);
    expect(drop.map((r) => r.revision)).toEqual([3, 2, 1]);
  });

  it('never drops the last good release, even beyond the limit', () => {
    const { keep, drop } = releasesToKeep(history, 2);
    expect(keep.map((r) => r.revision)).toEqual([5, 4, 2]);
    expect(drop.map((r) => r.revision)).toEqual([3, 1]);
  });

  it('trims a run of failures after the last good release to the newest N, plus that good release', () => {
    const outcomes = ['failed', 'rollback-failed', 'superseded', 'failed'] as const;
    let failures = [release(1, 'succeeded')];
    for (let revision = 2; revision <= 12; revision += 1) {
      failures = releasesToKeep(
        [...failures, release(revision, outcomes[revision % outcomes.length] ?? 'failed')],
        3,
      ).keep;
      expect(failures.length).toBeLessThanOrEqual(4);
    }
    expect(failures.map((r) => r.revision)).toEqual([12, 11, 10, 1]);
    expect(lastGoodRelease(failures)?.revision).toBe(1);
  });

  it('lets an old good release go once a newer one is within the newest N', () => {
    const { keep, drop } = releasesToKeep(
      [
        release(1, 'succeeded'),
        release(2, 'failed'),
        release(3, 'failed'),
        release(4, 'succeeded', { rollbackOf: 1 }),
        release(5, 'failed'),
      ],
      2,
    );
    expect(keep.map((r) => r.revision)).toEqual([5, 4]);
    expect(drop.map((r) => r.revision)).toEqual([3, 2, 1]);
  });

  it('keeps at least the newest record, whatever the limit says', () => {
    expect(releasesToKeep([release(1, 'failed')], 0).keep).toHaveLength(1);
  });

  it('makes an inventory: each object once across API versions (the first wins), sorted whatever the order', () => {
    const inventory = toInventory([
      ref('v1', 'Service', 'a'),
      ref('apps/v1', 'Deployment', 'a'),
      ref('v1', 'ConfigMap', 'b'),
      ref('apps/v1beta2', 'Deployment', 'a'),
      ref('v1', 'Service', 'a'),
    ]);
    // Sorted by identity (group, kind, namespace, name): the core group ('') first.
    expect(inventory.map((r) => `${r.kind}/${r.name}`)).toEqual(['ConfigMap/b', 'Service/a', 'Deployment/a']);
    expect(inventory[2]?.version).toBe('v1');
  });

  it('prunes from the last good release and every attempt after it, interrupted ones included', () => {
    const owned = [
      release(1, 'succeeded', { inventory: [ref('v1', 'ConfigMap', 'ancient')] }),
      release(2, 'succeeded', { inventory: [ref('apps/v1', 'Deployment', 'api'), ref('v1', 'Service', 'api')] }),
      release(3, 'rolled-back', {
        inventory: [ref('apps/v1', 'Deployment', 'api'), ref('apps/v1', 'Deployment', 'worker')],
      }),
      release(4, 'deploying', { inventory: [ref('v1', 'ConfigMap', 'new')], finishedAt: undefined }),
    ];
    expect(
      inventoryToPrune(owned)
        .map((r) => `${r.kind}/${r.name}`)
        .sort(),
    ).toEqual(['ConfigMap/new', 'Deployment/api', 'Deployment/worker', 'Service/api']);
    expect(inventoryToPrune(owned.slice(0, 2)).map((r) => `${r.kind}/${r.name}`)).toEqual([
      'Service/api',
      'Deployment/api',
    ]);
    expect(
      inventoryToPrune([release(1, 'failed', { inventory: [ref('v1', 'ConfigMap', 'x')] })]).map((r) => r.name),
    ).toEqual(['x']);
    expect(inventoryToPrune([])).toEqual([]);
  });

  it("addresses an object recorded under several API versions by the newest release's version", () => {
    const moved = [
      release(1, 'succeeded', { inventory: [ref('autoscaling/v1', 'HorizontalPodAutoscaler', 'api')] }),
      release(2, 'failed', { inventory: [ref('autoscaling/v2', 'HorizontalPodAutoscaler', 'api')] }),
    ];
    expect(inventoryToPrune(moved).map((r) => r.version)).toEqual(['v2']);
  });
});
