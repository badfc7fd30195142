import type { ChangeSetInput } from '../../../../core/diff/change-set.js';
import { applyList, applyStages, computeChangeSet, countActions, newInventory, pruneList, waitSet } from '../../../../core/diff/change-set.js';
import { DeployError } from '../../../../core/deploy-error.js';
import type { KubeObject, ObjectRef } from '../../../../core/kube/object.js';
import { formatRef, refKey, refOf } from '../../../../core/kube/object.js';
import { PruneRefusedError } from '../../../../core/prune/plan-prune.js';
import { obj } from '../kube-objects.js';

const byRef = (objects: KubeObject[]) => new Map(objects.map((o) => [refKey(refOf(o)), o]));
const show = (refs: readonly ObjectRef[]) => refs.map(formatRef);

// An environment moving from release N to N+1: the ConfigMap changes, the Deployment does not, a Service is new,
// a worker Deployment is no longer rendered, a protected ConfigMap is no longer rendered either.
const configV1 = obj('v1', 'ConfigMap', 'api-config', 'shop', { data: { LOG_LEVEL: 'debug' } });
const configV2 = obj('v1', 'ConfigMap', 'api-config', 'shop', { data: { LOG_LEVEL: 'info' } });
const api = obj('apps/v1', 'Deployment', 'api', 'shop', { spec: { replicas: 2 } });
const service = obj('v1', 'Service', 'api', 'shop', { spec: { ports: [{ port: 80 }] } });
const worker = obj('apps/v1', 'Deployment', 'worker', 'shop', { spec: { replicas: 1 } });
const pinned = obj('v1', 'ConfigMap', 'pinned', 'shop', {});
(pinned.metadata as { annotations?: Record<string, string> }).annotations = { 'gantry.dev/prune': 'disabled' };

const input = (overrides: Partial<ChangeSetInput> = {}): ChangeSetInput => ({
  desired: [service, api, configV2],
  live: byRef([configV1, api, worker, pinned]),
  dryRun: byRef([configV2, api]),
  previousInventory: [configV1, api, worker, pinned].map(refOf),
  prune: true,
  ...overrides,
});

describe('computeChangeSet', () => {
  const changeSet = computeChangeSet(input(), { secretSalt: 't' });

  it('gives each object one action: rendered objects in render order, then what is no longer rendered', () => {
    expect(changeSet.entries.map((e) => [e.action, formatRef(e.ref)])).toEqual([
      ['created', 'Service/shop/api'],
      ['unchanged', 'Deployment/shop/api'],
      ['configured', 'ConfigMap/shop/api-config'],
      ['deleted', 'Deployment/shop/worker'],
      ['skipped', 'ConfigMap/shop/pinned'],
    ]);
  });

  it('carries the field diff of configured objects and the reason of skipped ones', () => {
    expect(changeSet.entries[2]).toMatchObject({ diff: [{ kind: 'changed', path: '/data/LOG_LEVEL', before: 'debug', after: 'info' }] });
    expect(changeSet.entries[4]).toMatchObject({ reason: 'annotation' });
  });

  it('derives the apply list, the apply stages, the wait set, the prune list, the inventory and the counts from the one ChangeSet', () => {
    expect(show(applyList(changeSet))).toEqual(['Service/shop/api', 'ConfigMap/shop/api-config']);
    expect(applyStages(changeSet, input().desired).map((s) => [s.stage, s.items.map((o) => o.metadata.name)])).toEqual([
      ['config', ['api-config']],
      ['services', ['api']],
    ]);
    // ConfigMaps have no status to wait for; the unchanged Deployment needs no waiting either.
    expect(show(waitSet(changeSet))).toEqual(['Service/shop/api']);
    expect(show(pruneList(changeSet))).toEqual(['Deployment/shop/worker']);
    expect(show(newInventory(changeSet))).toEqual(['Service/shop/api', 'Deployment/shop/api', 'ConfigMap/shop/api-config']);
    expect(countActions(changeSet)).toEqual({ created: 1, configured: 1, unchanged: 1, deleted: 1, skipped: 1 });
  });

  it('keeps objects skipped only because pruning is off in the inventory, so they can be pruned later', () => {
    const kept = computeChangeSet(input({ prune: false }), { secretSalt: 't' });
    expect(show(pruneList(kept))).toEqual([]);
    expect(show(newInventory(kept))).toEqual(['Service/shop/api', 'Deployment/shop/api', 'ConfigMap/shop/api-config', 'Deployment/shop/worker']);
  });

  it('waits for a configured Deployment', () => {
    const scaled = obj('apps/v1', 'Deployment', 'api', 'shop', { spec: { replicas: 3 } });
    const result = computeChangeSet(input({ desired: [scaled], dryRun: byRef([scaled]), previousInventory: [] }), { secretSalt: 't' });
    expect(show(waitSet(result))).toEqual(['Deployment/shop/api']);
  });

  it('refuses a render that holds one object twice, naming it', () => {
    const run = () => computeChangeSet(input({ desired: [api, api] }), { secretSalt: 't' });
    expect(run).toThrow(DeployError);
    expect(run).toThrow('Deployment/shop/api is rendered twice');
  });

  it('refuses an empty render instead of planning to delete everything', () => {
    expect(() => computeChangeSet(input({ desired: [] }), { secretSalt: 't' })).toThrow(PruneRefusedError);
  });
});
