import type { EnvConfig } from '../../../core/config/env-config.js';
import type { ChangeSet } from '../../../core/diff/change-set.js';
import { computeChangeSet } from '../../../core/diff/change-set.js';
import { autoscalerIgnoreRules, withoutIgnoredFields } from '../../../core/diff/ignore-rules.js';
import type { KubeObject, ObjectRef } from '../../../core/kube/object.js';
import { refKey, refOf } from '../../../core/kube/object.js';
import { ClusterError } from '../../../core/ports/cluster-error.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import type { ReleaseStore } from '../../../core/ports/release-store.js';
import { inventoryToPrune } from '../../../core/release/release-history.js';
import type { Validation } from './validate-objects.js';

export interface DiffInput {
  /** The objects to apply (ignored fields already removed). */
  readonly desired: readonly KubeObject[];
  readonly validation: Validation;
  readonly env: EnvConfig;
  readonly store: ReleaseStore;
  readonly cluster: Cluster;
  readonly secretSalt: string;
  readonly signal: AbortSignal;
}

/**
 * Step 5: the ChangeSet, live against the dry-run result (core/diff), with the objects that earlier releases left
 * and this render dropped (their inventories, from the release store) as the prune candidates.
 */
export async function computeDiff(input: DiffInput): Promise<ChangeSet> {
  const { desired, env, signal } = input;
  const { dryRun, appliedEarly } = input.validation;
  const previousInventory = inventoryToPrune(await input.store.list({ signal }));
  // An object without a dry-run answer awaits a Namespace or CRD that does not exist yet (dry-run mode): not live.
  const knowable = desired.map(refOf).filter((ref) => dryRun.has(refKey(ref)));
  const live = await readLive(uniqueRefs([...knowable, ...previousInventory]), input.cluster, signal);
  // Definitions validation had to apply are compared as they were before it, so the ChangeSet still shows them.
  for (const [key, before] of appliedEarly) {
    if (before === undefined) live.delete(key);
    else live.set(key, before);
  }
  return computeChangeSet(
    { desired, live, dryRun, previousInventory, prune: env.apply.prune },
    { ignore: autoscalerIgnoreRules(desired), secretSalt: input.secretSalt },
  );
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
