import type { KubeObject, ObjectRef } from '../../../../core/kube/object.js';
import { refKey, refOf } from '../../../../core/kube/object.js';
import { planPrune, PruneRefusedError } from '../../../../core/prune/plan-prune.js';
import { Reason } from '../../../../core/reasons.js';
import { obj, ref } from '../kube-objects.js';

const liveMap = (objects: KubeObject[]) => new Map(objects.map((o) => [refKey(refOf(o)), o]));
const names = (refs: readonly ObjectRef[]) => refs.map((r) => `${r.kind}/${r.name}`);

describe('planPrune', () => {
  const api = obj('apps/v1', 'Deployment', 'api');
  const oldWorker = obj('apps/v1', 'Deployment', 'old-worker');
  const oldRoute = obj('gateway.networking.k8s.io/v1', 'HTTPRoute', 'old-worker');
  const keepMe = obj('v1', 'ConfigMap', 'keep-me', 'shop', { metadata: { name: 'keep-me', namespace: 'shop', annotations: { 'gantry.dev/prune': 'disabled' } } });
  const oldNamespace = obj('v1', 'Namespace', 'legacy', null);
  const oldCrd = obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com', null);
  const previous = [api, oldWorker, oldRoute, keepMe, oldNamespace, oldCrd].map(refOf);

  it('deletes what is no longer rendered, routes before workloads, and keeps protected objects with a reason', () => {
    const plan = planPrune({ previousInventory: previous, rendered: [refOf(api)], live: liveMap([api, oldWorker, oldRoute, keepMe, oldNamespace, oldCrd]), prune: true });
    expect(names(plan.delete)).toEqual(['HTTPRoute/old-worker', 'Deployment/old-worker']);
    expect(plan.keep.map((k) => [k.ref.name, k.reason])).toEqual([
      ['keep-me', 'annotation'],
      ['legacy', 'protected-kind'],
      ['widgets.example.com', 'protected-kind'],
    ]);
  });

  it('deletes nothing when pruning is off, and says so for each object', () => {
    const plan = planPrune({ previousInventory: previous, rendered: [refOf(api)], live: liveMap([api, oldWorker, oldRoute]), prune: false });
    expect(plan.delete).toEqual([]);
    expect(plan.keep.map((k) => k.reason)).toEqual(['prune-off', 'prune-off', 'already-gone', 'already-gone', 'already-gone']);
  });

  it('does not delete what is already gone from the cluster', () => {
    const plan = planPrune({ previousInventory: [refOf(oldWorker)], rendered: [refOf(api)], live: new Map(), prune: true });
    expect(plan).toEqual({ delete: [], keep: [{ ref: refOf(oldWorker), reason: 'already-gone' }] });
  });

  it('refuses to prune everything when the render is empty, as a terminal error', () => {
    const run = () => planPrune({ previousInventory: previous, rendered: [], live: liveMap([api]), prune: true });
    expect(run).toThrow(PruneRefusedError);
    expect(run).toThrow('the render is empty but the environment holds 6 objects');
    try {
      run();
    } catch (error) {
      expect(error).toMatchObject({ reason: Reason.PruneRefusedEmptyRender, terminal: true });
    }
  });

  it('accepts an empty render of an environment that holds nothing, or that never prunes', () => {
    expect(planPrune({ previousInventory: [], rendered: [], live: new Map(), prune: true })).toEqual({ delete: [], keep: [] });
    expect(planPrune({ previousInventory: [refOf(api)], rendered: [], live: liveMap([api]), prune: false }).delete).toEqual([]);
  });

  it('matches inventory entries across API versions: an object moved to a new version is still rendered', () => {
    const plan = planPrune({ previousInventory: [ref('autoscaling/v1', 'HorizontalPodAutoscaler', 'api')], rendered: [ref('autoscaling/v2', 'HorizontalPodAutoscaler', 'api')], live: new Map(), prune: true });
    expect(plan).toEqual({ delete: [], keep: [] });
  });

  it('lists an object that appears twice in the inventory once', () => {
    const plan = planPrune({ previousInventory: [refOf(oldWorker), refOf(oldWorker)], rendered: [refOf(api)], live: liveMap([oldWorker]), prune: true });
    expect(names(plan.delete)).toEqual(['Deployment/old-worker']);
  });
});
