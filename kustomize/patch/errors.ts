/**
 * Errors raised by the patch functions. Each carries what failed (a path, an operation, a selector) and a closed
 * `reason`; the message repeats the wording of the kustomize v5 CLI where there is one, so that an error printed by
 * `gantry render` reads like the one `kustomize build` prints for the same input.
 */

/** Base class: catch this to handle any patch failure. */
export class PatchError extends Error {
  override readonly name: string = 'PatchError';
}

/** Why a strategic merge patch could not be applied. */
export type StrategicMergeReason =
  /** The patch and the object disagree on whether a field is a map, a list or a scalar. */
  | 'kind-mismatch'
  /** `$patch` holds something other than `merge`, `replace` or `delete`. */
  | 'unknown-directive'
  /** A `$patch` directive sits on a scalar. */
  | 'directive-on-scalar';

/** A strategic merge patch failed at `path` (dot-joined field names, `[]` for list elements). */
export class StrategicMergeError extends PatchError {
  override readonly name = 'StrategicMergeError';
  constructor(
    readonly reason: StrategicMergeReason,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** Why a JSON patch (RFC 6902) operation failed. */
export type JsonPatchReason =
  /** A `test` operation found a different value. */
  | 'test-failed'
  /** The path (or `from`) leads through something that does not exist. */
  | 'missing-path'
  /** `remove` or `move` names a key that does not exist. */
  | 'missing-key'
  /** An array index is not a number or lies outside the array. */
  | 'invalid-index'
  /** `op` is not one of add, remove, replace, move, copy, test. */
  | 'unknown-op'
  /** The operation lacks its `path` or `from`. */
  | 'missing-field'
  /** `replace` of the whole document with something that is not an object or array. */
  | 'invalid-value';

/** Operation number `opIndex` (from 0) of a JSON patch failed. */
export class JsonPatchError extends PatchError {
  override readonly name = 'JsonPatchError';
  constructor(
    readonly reason: JsonPatchReason,
    readonly opIndex: number,
    readonly op: string,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** A target selector (regex or label/annotation selector) is malformed. */
export class SelectorError extends PatchError {
  override readonly name = 'SelectorError';
  constructor(
    readonly field: 'group' | 'version' | 'kind' | 'name' | 'namespace' | 'labelSelector' | 'annotationSelector',
    readonly selector: string,
    message: string,
  ) {
    super(message);
  }
}

/** Why a replacement failed. */
export type ReplacementReason =
  | 'invalid-replacement'
  | 'no-source'
  | 'multiple-sources'
  | 'missing-source-field'
  | 'missing-target-field'
  | 'invalid-options'
  | 'invalid-field-path'
  /** The value's text cannot be read as the type of the scalar it replaces (`abc` into an integer). */
  | 'type-mismatch';

/** Replacement number `index` (from 0) failed. */
export class ReplacementError extends PatchError {
  override readonly name = 'ReplacementError';
  constructor(
    readonly reason: ReplacementReason,
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

/** Why patch text could not be classified. */
export type PatchParseReason = 'empty' | 'both' | 'neither' | 'invalid-resource';

/** Patch text is neither a strategic merge patch nor a JSON 6902 patch (or, illegally, both). */
export class PatchParseError extends PatchError {
  override readonly name = 'PatchParseError';
  constructor(
    readonly reason: PatchParseReason,
    message: string,
  ) {
    super(message);
  }
}
