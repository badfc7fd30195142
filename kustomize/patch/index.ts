/**
 * kustomize-ts patch machinery: pure functions over plain JSON objects that reproduce how the kustomize v5 CLI
 * applies strategic merge patches, JSON 6902 patches and replacements, and how it selects their targets.
 * See README.md in this folder.
 */
export type { JsonObject, JsonPrimitive, JsonValue } from './json.js';
export {
  JsonPatchError,
  PatchError,
  PatchParseError,
  ReplacementError,
  SelectorError,
  StrategicMergeError,
} from './errors.js';
export type { JsonPatchReason, PatchParseReason, ReplacementReason, StrategicMergeReason } from './errors.js';
export { strategicMerge } from './strategic-merge.js';
export type { StrategicMergeOptions } from './strategic-merge.js';
export { apiVersionOf, isNamespaced, kindInfo, listMergeBehaviour, parseApiVersion } from './merge-key-table.js';
export type { Gvk, KindInfo, ListFieldInfo, ListMergeBehaviour, MergeKeyTable } from './merge-key-table.js';
export { BUILTIN_MERGE_KEYS } from './merge-keys.generated.js';
export { applyJson6902 } from './json6902.js';
export type { JsonPatchOp } from './json6902.js';
export { applyJson6902ToResource } from './apply-json6902-to-resource.js';
export {
  BUILD_ANNOTATIONS,
  NON_NAMESPACEABLE,
  allIds,
  annotationsOf,
  builtinClusterScope,
  currentId,
  effectiveNamespace,
  internalAnnotationsOf,
  labelsOf,
  originalId,
  previousIds,
  removeBuildAnnotations,
  storePreviousId,
  withAnnotations,
} from './res-id.js';
export type { ClusterScopeOracle, ResId } from './res-id.js';
export { compileSelector, describeSelector, matchesTarget, selectTargets } from './select-targets.js';
export type { CompiledSelector, SelectOptions, TargetSelector } from './select-targets.js';
export { parseLabelSelector } from './label-selector.js';
export type { LabelSelector, Requirement } from './label-selector.js';
export { applyReplacements } from './replacements.js';
export type { FieldOptions, Replacement, ReplacementSource, ReplacementTarget } from './replacements.js';
export { parsePatch } from './parse-patch.js';
export type { ParsedPatch, ParsePatchOptions } from './parse-patch.js';
