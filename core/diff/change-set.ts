import type { Stage } from '../apply/apply-order.js';
import { stagesFor } from '../apply/apply-order.js';
import { DeployError } from '../deploy-error.js';
import { needsHealthWait } from '../health/health-kinds.js';
import type { KubeObject, ObjectRef } from '../kube/object.js';
import { refKey, refOf } from '../kube/object.js';
import type { PruneSkipReason } from '../prune/plan-prune.js';
import { planPrune } from '../prune/plan-prune.js';
import { Reason } from '../reasons.js';
import { diffObject } from './diff-object.js';
import type { FieldChange } from './field-changes.js';
import type { NormalizeOptions } from './normalize.js';
import { pairGenerated, type Replaced } from './pair-generated.js';

/** What a deploy does (or, in a dry run, would do) to one object. */
export type Action = 'created' | 'configured' | 'unchanged' | 'deleted' | 'skipped';
export const ACTIONS = [
  'created',
  'configured',
  'unchanged',
  'deleted',
  'skipped',
] as const satisfies readonly Action[];

export type ChangeSetEntry =
  /**
   * `replaces`: for a generated ConfigMap or Secret (kustomize hash suffix), the deleted predecessor it takes the
   * place of, with the content that differs (see `pairGenerated`).
   */
  | { readonly action: 'created'; readonly ref: ObjectRef; readonly replaces?: Replaced }
  /** `diff` lists the fields that change, normalized, Secret values masked; never empty. */
  | { readonly action: 'configured'; readonly ref: ObjectRef; readonly diff: readonly FieldChange[] }
  | { readonly action: 'unchanged'; readonly ref: ObjectRef }
  | { readonly action: 'deleted'; readonly ref: ObjectRef }
  /** No longer rendered, but kept, for `reason`. */
  | { readonly action: 'skipped'; readonly ref: ObjectRef; readonly reason: PruneSkipReason };

/**
 * Everything one deploy does, object by object: rendered objects first in render order, then the previous
 * release's objects that are no longer rendered, in prune order. The apply list, the wait set, the new inventory,
 * the prune list and the report are all derived from it, so they cannot disagree.
 */
export interface ChangeSet {
  readonly entries: readonly ChangeSetEntry[];
}

export interface ChangeSetInput {
  /** The rendered objects. */
  readonly desired: readonly KubeObject[];
  /** Live objects by {@link refKey}: every desired object and every previous-inventory object that exists. */
  readonly live: ReadonlyMap<string, KubeObject>;
  /** The apiserver's server-side-apply dry-run result of each desired object that has one, by {@link refKey}. */
  readonly dryRun: ReadonlyMap<string, KubeObject>;
  /** What the previous release left in the cluster. */
  readonly previousInventory: readonly ObjectRef[];
  /** The environment's `apply.prune`. */
  readonly prune: boolean;
}

/**
 * Computes the ChangeSet of a deploy.
 *
 * @throws DeployError (ValidationFailed) when the render holds one object twice
 * @throws PruneRefusedError when the render is empty but the environment is not (see `planPrune`)
 */
export function computeChangeSet(input: ChangeSetInput, options: NormalizeOptions): ChangeSet {
  const rendered = input.desired.map((desired) => ({ desired, ref: refOf(desired) }));
  rejectDuplicates(rendered.map(({ ref }) => ref));
  const entries: ChangeSetEntry[] = rendered.map(({ desired, ref }) => {
    const key = refKey(ref);
    const diff = diffObject({ desired, live: input.live.get(key), dryRun: input.dryRun.get(key) }, options);
    if (diff === undefined) return { action: 'created', ref };
    return diff.length > 0 ? { action: 'configured', ref, diff } : { action: 'unchanged', ref };
  });
  const prune = planPrune({
    previousInventory: input.previousInventory,
    rendered: rendered.map(({ ref }) => ref),
    live: input.live,
    prune: input.prune,
  });
  const created = rendered
    .filter(({ ref }) => !input.live.has(refKey(ref)))
    .map(({ desired, ref }) => ({ ref, object: input.dryRun.get(refKey(ref)) ?? desired }));
  const deleted = prune.delete.map((ref) => ({ ref, live: input.live.get(refKey(ref)) }));
  const replaced = pairGenerated(created, deleted, options);
  const paired = entries.map((entry): ChangeSetEntry => {
    const replaces = entry.action === 'created' ? replaced.get(refKey(entry.ref)) : undefined;
    return replaces === undefined ? entry : { ...entry, action: 'created', replaces };
  });
  for (const ref of prune.delete) paired.push({ action: 'deleted', ref });
  for (const { ref, reason } of prune.keep) paired.push({ action: 'skipped', ref, reason });
  return { entries: paired };
}

function rejectDuplicates(refs: readonly ObjectRef[]): void {
  const seen = new Set<string>();
  for (const ref of refs) {
    const key = refKey(ref);
    if (seen.has(key))
      throw new DeployError(
        Reason.ValidationFailed,
        'is rendered twice: each object may appear once in an environment',
        { ref },
      );
    seen.add(key);
  }
}

const isApplied = (entry: ChangeSetEntry) => entry.action === 'created' || entry.action === 'configured';

/** The objects to apply: created and configured ones (unchanged objects are not sent at all). */
export function applyList(changeSet: ChangeSet): ObjectRef[] {
  return changeSet.entries.filter(isApplied).map((entry) => entry.ref);
}

/** The desired objects to apply, in apply stages. */
export function applyStages(changeSet: ChangeSet, desired: readonly KubeObject[]): Stage<KubeObject>[] {
  const toApply = new Set(applyList(changeSet).map(refKey));
  return stagesFor(desired.filter((obj) => toApply.has(refKey(refOf(obj)))));
}

/** The applied objects whose health the rollout must wait for. */
export function waitSet(changeSet: ChangeSet): ObjectRef[] {
  return applyList(changeSet).filter(needsHealthWait);
}

/** The objects to delete, in prune order. */
export function pruneList(changeSet: ChangeSet): ObjectRef[] {
  return changeSet.entries.filter((entry) => entry.action === 'deleted').map((entry) => entry.ref);
}

/**
 * What the environment holds after this deploy, for the next one to prune from: everything rendered, plus objects
 * kept only because pruning is off (still ours, so turning pruning on later removes them). Objects kept by their
 * annotation or kind are let go: the pipeline stops tracking them.
 */
export function newInventory(changeSet: ChangeSet): ObjectRef[] {
  return changeSet.entries
    .filter((entry) => entry.action !== 'deleted' && (entry.action !== 'skipped' || entry.reason === 'prune-off'))
    .map((entry) => entry.ref);
}

/** How many objects each action touches. */
export function countActions(changeSet: ChangeSet): Record<Action, number> {
  const counts: Record<Action, number> = { created: 0, configured: 0, unchanged: 0, deleted: 0, skipped: 0 };
  for (const entry of changeSet.entries) counts[entry.action] += 1;
  return counts;
}
