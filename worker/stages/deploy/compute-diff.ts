import type { EnvConfig } from '../../../core/config/env-config.js';
import type { ChangeSet } from '../../../core/diff/change-set.js';
import { computeChangeSet } from '../../../core/diff/change-set.js';
import { autoscalerIgnoreRules, withoutIgnoredFields } from '../../../core/diff/ignore-rules.js';
import { vpaIgnoreRules } from '../../../core/diff/vpa-resources.js';
import { fieldsLeftToOthers } from '../../../core/diff/left-to-others.js';
import type { KubeObject, ObjectRef } from '../../../core/kube/object.js';
import { refKey, refOf } from '../../../core/kube/object.js';
import { ClusterError } from '../../../core/ports/cluster-error.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import type { InSyncMemo } from '../../../core/diff/in-sync.js';
import type { CachedLive } from './live-state.js';
import type { Validation } from './validate-objects.js';

export interface DiffInput {
  /** The objects to apply (ignored fields already removed). */
  readonly desired: readonly KubeObject[];
  readonly validation: Validation;
  readonly env: EnvConfig;
  /** What earlier releases applied (their inventories, from the release store): the prune candidates. */
  readonly previousInventory: readonly ObjectRef[];
  /** The live-state cache's answer; absent: every object was dry-run and is read from the cluster. */
  readonly cached?: CachedLive;
  /** Learns the objects the dry-run found unchanged, so the next deploy can skip them (see core/diff/in-sync.ts). */
  readonly memo?: InSyncMemo;
  readonly cluster: Cluster;
  readonly secretSalt: string;
  readonly signal: AbortSignal;
}

/**
 * Step 5: the ChangeSet, live against the dry-run result (core/diff), with the objects that earlier releases left
 * and this render dropped as the prune candidates.
 *
 * With the cache, objects known to be in sync count as their own dry-run (unchanged), and the prune candidates'
 * live state comes from the cache; only the objects that were dry-run are read from the cluster, as without it.
 */
export async function computeDiff(input: DiffInput): Promise<ChangeSet> {
  const { desired, env, signal, previousInventory, cached } = input;
  const { appliedEarly } = input.validation;
  const dryRun = new Map(input.validation.dryRun);
  // An object without a dry-run answer awaits a Namespace or CRD that does not exist yet (dry-run mode): not live.
  const knowable = desired.map(refOf).filter((ref) => dryRun.has(refKey(ref)));
  let live: Map<string, KubeObject>;
  if (cached === undefined) {
    live = await readLive(uniqueRefs([...knowable, ...previousInventory]), input.cluster, signal);
  } else {
    live = await readLive(knowable, input.cluster, signal);
    for (const key of cached.inSync) {
      const object = cached.live.get(key);
      if (object === undefined) continue;
      live.set(key, object);
      dryRun.set(key, object);
    }
    const rendered = new Set(desired.map((object) => refKey(refOf(object))));
    for (const ref of previousInventory) {
      const key = refKey(ref);
      const object = cached.live.get(key);
      if (!rendered.has(key) && object !== undefined) live.set(key, object);
    }
  }
  // Definitions validation had to apply are compared as they were before it, so the ChangeSet still shows them.
  for (const [key, before] of appliedEarly) {
    if (before === undefined) live.delete(key);
    else live.set(key, before);
  }
  const changeSet = computeChangeSet(
    { desired, live, dryRun, previousInventory, prune: env.apply.prune },
    { ignore: [...autoscalerIgnoreRules(desired), ...vpaIgnoreRules(desired)], secretSalt: input.secretSalt },
  );
  // An autoscaler's replicas and a VPA's writes to the resources it manages are not drift (the drift watch asks the memo).
  input.memo?.leaveToOthers(fieldsLeftToOthers(desired));
  if (input.memo !== undefined) rememberUnchanged(input.memo, changeSet, desired, live, input.validation);
  return changeSet;
}

/** The dry-run said applying these changes nothing: the live object is what the last apply left. */
function rememberUnchanged(
  memo: InSyncMemo,
  changeSet: ChangeSet,
  desired: readonly KubeObject[],
  live: ReadonlyMap<string, KubeObject>,
  validation: Validation,
): void {
  const unchanged = new Set(
    changeSet.entries.flatMap((entry) => (entry.action === 'unchanged' ? [refKey(entry.ref)] : [])),
  );
  for (const object of desired) {
    const key = refKey(refOf(object));
    const current = live.get(key);
    if (unchanged.has(key) && validation.dryRun.has(key) && !validation.appliedEarly.has(key) && current)
      memo.remember(object, current);
  }
}

/** The live objects by refKey. A kind no longer served (its CRD deleted) has no live objects. */
export async function readLive(
  refs: readonly ObjectRef[],
  cluster: Cluster,
  signal: AbortSignal,
): Promise<Map<string, KubeObject>> {
  let objects: readonly (KubeObject | undefined)[];
  try {
    objects = await cluster.getMany(refs, { signal });
  } catch (error) {
    if (!(error instanceof ClusterError && error.code === 'KindNotFound')) throw error;
    objects = await Promise.all(
      refs.map((ref) => cluster.get(ref, { signal }).catch((e: unknown) => absentIfKindGone(e))),
    );
  }
  const live = new Map<string, KubeObject>();
  refs.forEach((ref, index) => {
    const object = objects[index];
    if (object !== undefined) live.set(refKey(ref), object);
  });
  return live;
}

function absentIfKindGone(error: unknown): undefined {
  if (error instanceof ClusterError && error.code === 'KindNotFound') return undefined;
  throw error;
}

function uniqueRefs(refs: readonly ObjectRef[]): ObjectRef[] {
  return [...new Map(refs.map((ref) => [refKey(ref), ref])).values()];
}

/** The render as it is applied: without the fields left to autoscalers (see core/diff/ignore-rules.ts). */
export function prepareForApply(objects: readonly KubeObject[]): KubeObject[] {
  const rules = autoscalerIgnoreRules(objects);
  return objects.map((obj) => withoutIgnoredFields(obj, obj, rules));
}
