import type { KubeObject } from '../kube/object.js';
import type { FieldChange } from './field-changes.js';
import { fieldChanges, projectOnto } from './field-changes.js';
import type { NormalizeOptions } from './normalize.js';
import { normalizeObject } from './normalize.js';

/** The three views of one object a diff can use. */
export interface DiffInput {
  /** The rendered object. */
  readonly desired: KubeObject;
  /** The object in the cluster; absent when it does not exist yet. */
  readonly live?: KubeObject;
  /** The apiserver's answer to a server-side apply dry-run of `desired`; absent when no dry-run was possible. */
  readonly dryRun?: KubeObject;
}

/**
 * What applying `desired` would change in the live object, field by field, normalized and with Secret values
 * masked; undefined when there is no live object (everything would be created).
 *
 * With a dry-run result, the changes are exactly where the dry-run differs from live: the apiserver has already
 * merged the desired fields, filled in its defaults and run its admission, so fields the desired object does not
 * set stay equal on both sides and no defaulted noise appears (fields a removed declaration would drop do show).
 * Without one, the desired object is compared with the live one cut down to the fields desired sets: quieter
 * than a full comparison, but blind to defaulting and to fields that a removed declaration would drop.
 */
export function diffObject(input: DiffInput, options: NormalizeOptions): FieldChange[] | undefined {
  if (input.live === undefined) return undefined;
  const live = normalizeObject(input.live, options);
  if (input.dryRun !== undefined) return fieldChanges(live, normalizeObject(input.dryRun, options));
  const desired = normalizeObject(input.desired, options);
  return fieldChanges(projectOnto(desired, live), desired);
}
