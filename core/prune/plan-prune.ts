import { pruneStagesFor } from '../apply/apply-order.js';
import { DeployError } from '../deploy-error.js';
import type { KubeObject, ObjectRef } from '../kube/object.js';
import { refKey } from '../kube/object.js';
import { Reason } from '../reasons.js';

/** The annotation a user puts on an object to keep the pipeline from ever deleting it: `gantry.dev/prune: disabled`. */
export const PRUNE_ANNOTATION = 'gantry.dev/prune';
/** The value of {@link PRUNE_ANNOTATION} that protects an object. */
export const PRUNE_DISABLED = 'disabled';

/**
 * Why an object that is no longer rendered stays. `prune-off`: the environment has `apply.prune: false`.
 * `annotation`: the live object carries `gantry.dev/prune: disabled`. `protected-kind`: a Namespace or a
 * CustomResourceDefinition, whose deletion would take everything inside it along. `already-gone`: nothing to delete.
 */
export type PruneSkipReason = 'prune-off' | 'annotation' | 'protected-kind' | 'already-gone';

/** Objects the previous release applied that this one no longer renders, and what happens to each. */
export interface PrunePlan {
  /** To delete, in reverse apply order (routes before the workloads they route to). */
  readonly delete: readonly ObjectRef[];
  readonly keep: readonly { readonly ref: ObjectRef; readonly reason: PruneSkipReason }[];
}

export interface PruneInput {
  /** What the previous release left in the cluster (its inventory). */
  readonly previousInventory: readonly ObjectRef[];
  /** What this release renders. */
  readonly rendered: readonly ObjectRef[];
  /** The live objects of the previous inventory, by {@link refKey}; an absent key means the object is gone. */
  readonly live: ReadonlyMap<string, KubeObject>;
  /** The environment's `apply.prune`. */
  readonly prune: boolean;
}

/** Kinds never deleted by prune: deleting one deletes everything it contains, in every namespace for a CRD. */
const PROTECTED_KINDS: ReadonlySet<string> = new Set(['/Namespace', 'apiextensions.k8s.io/CustomResourceDefinition']);

/**
 * A render with no objects while the environment still holds some: almost always a broken overlay or an empty
 * checkout, never a wish to delete the environment. Terminal: pruning is refused and nothing is applied.
 */
export class PruneRefusedError extends DeployError {
  override readonly name = 'PruneRefusedError';
  constructor(readonly inventorySize: number) {
    super(
      Reason.PruneRefusedEmptyRender,
      `the render is empty but the environment holds ${inventorySize} object${inventorySize === 1 ? '' : 's'}: refusing to prune them all; check the overlay (an environment is removed by hand, never by an empty commit)`,
    );
  }
}

/**
 * Decides what to delete: the objects of the previous inventory that are no longer rendered, except protected
 * ones.
 *
 * @throws PruneRefusedError when pruning is on, nothing is rendered and the previous inventory is not empty
 */
export function planPrune(input: PruneInput): PrunePlan {
  if (input.prune && input.rendered.length === 0 && input.previousInventory.length > 0) throw new PruneRefusedError(input.previousInventory.length);
  const rendered = new Set(input.rendered.map(refKey));
  const toDelete: ObjectRef[] = [];
  const keep: { ref: ObjectRef; reason: PruneSkipReason }[] = [];
  for (const ref of dedupe(input.previousInventory)) {
    if (rendered.has(refKey(ref))) continue;
    const reason = skipReason(ref, input);
    if (reason) keep.push({ ref, reason });
    else toDelete.push(ref);
  }
  return { delete: pruneStagesFor(toDelete).flatMap((stage) => stage.items), keep };
}

function skipReason(ref: ObjectRef, input: PruneInput): PruneSkipReason | undefined {
  const live = input.live.get(refKey(ref));
  if (live === undefined) return 'already-gone';
  if (PROTECTED_KINDS.has(`${ref.group}/${ref.kind}`)) return 'protected-kind';
  if (live.metadata.annotations?.[PRUNE_ANNOTATION] === PRUNE_DISABLED) return 'annotation';
  if (!input.prune) return 'prune-off';
  return undefined;
}

function dedupe(refs: readonly ObjectRef[]): ObjectRef[] {
  const seen = new Map<string, ObjectRef>();
  for (const ref of refs) if (!seen.has(refKey(ref))) seen.set(refKey(ref), ref);
  return [...seen.values()];
}
