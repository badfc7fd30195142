/**
 * Strategic merge patch as the kustomize v5 CLI applies it (`patches:` and `patchesStrategicMerge:`): kyaml's
 * merge2 with the list merge keys of the OpenAPI schema kyaml embeds, not Kubernetes' apimachinery strategic
 * merge. The differences are deliberate (the CLI's output is the reference):
 * - only the `$patch` directive is understood (`merge`, `replace`, `delete`, on maps and on list items);
 *   `$retainKeys`, `$setElementOrder/...` and `$deleteFromPrimitiveList/...` stay in the result as plain fields;
 * - a list merges element by element only when its schema has patch strategy `merge`, keyed by
 *   `x-kubernetes-list-map-keys` when present, else by the patch merge key; a list of scalars with strategy
 *   `merge` (finalizers) is merged by value; any other list, and every list of a kind the schema does not know
 *   (CRDs, newer APIs), is replaced by the patch's list;
 * - elements from the patch come first, then the object's remaining elements;
 * - `null` in the patch deletes the field; an explicit null in the object survives when the patch leaves it alone.
 */
import { cloneJson, isJsonObject } from './json.js';
import type { JsonObject } from './json.js';
import { apiVersionOf } from './merge-key-table.js';
import type { Gvk, MergeKeyTable } from './merge-key-table.js';
import { BUILTIN_MERGE_KEYS } from './merge-keys.generated.js';
import { MergeWalker } from './merge-walk.js';
import { rootCursor } from './schema-cursor.js';
import { fromJson, isNilOrEmpty, nodeToObject } from './yaml-node.js';

/** Options of {@link strategicMerge}; every one defaults to what `kustomize build` does. */
export interface StrategicMergeOptions {
  /** The merge-key table; defaults to the table of the schema kustomize v5.8.2 embeds (Kubernetes v1.21.2). */
  readonly schema?: MergeKeyTable;
  /** Let the patch rename the object (kustomize `options.allowNameChange`); by default the name is restored. */
  readonly allowNameChange?: boolean;
  /** Let the patch change the kind (kustomize `options.allowKindChange`); by default the kind is restored. */
  readonly allowKindChange?: boolean;
}

function metadataOf(object: JsonObject): JsonObject | undefined {
  const metadata = object['metadata'];
  return isJsonObject(metadata) ? metadata : undefined;
}

/**
 * Applies a strategic merge patch to one object.
 *
 * @param base the object being patched (not modified).
 * @param patch the patch document (not modified), e.g. a partial Deployment.
 * @param gvk the object's group/version/kind, which selects the merge keys.
 * @returns the patched object, or `null` when the patch deletes the whole object (`$patch: delete` at its root).
 * @throws StrategicMergeError when the patch and the object disagree on a field's shape, or a `$patch` value is
 *   unknown.
 */
export function strategicMerge(
  base: JsonObject,
  patch: JsonObject,
  gvk: Gvk,
  options: StrategicMergeOptions = {},
): JsonObject | null {
  const table = options.schema ?? BUILTIN_MERGE_KEYS;
  const patchCopy = cloneJson(patch);
  // kustomize sets the patch's apiVersion to its target's before merging (resWrangler.ApplySmPatch).
  if (typeof base['apiVersion'] === 'string') patchCopy['apiVersion'] = base['apiVersion'];
  const walker = new MergeWalker(table);
  const merged = walker.walk([fromJson(base), fromJson(patchCopy)], rootCursor(table, apiVersionOf(gvk), gvk.kind), '');
  if (isNilOrEmpty(merged)) return null;
  const result = nodeToObject(merged);
  if (result === undefined) return null;
  restoreIdentity(result, base, options);
  return result;
}

/** kustomize keeps the object's kind, name and namespace whatever the patch says (Resource.ApplySmPatch). */
function restoreIdentity(result: JsonObject, base: JsonObject, options: StrategicMergeOptions): void {
  const baseKind = base['kind'];
  if (options.allowKindChange !== true && baseKind !== undefined) result['kind'] = baseKind;
  const baseName = metadataOf(base)?.['name'];
  if (options.allowNameChange !== true && baseName !== undefined) {
    const metadata = metadataOf(result) ?? {};
    metadata['name'] = baseName;
    result['metadata'] = metadata;
  }
  const baseNamespace = metadataOf(base)?.['namespace'];
  const metadata = metadataOf(result);
  if (typeof baseNamespace === 'string' && baseNamespace !== '') {
    result['metadata'] = { ...(metadata ?? {}), namespace: baseNamespace };
  } else if (metadata !== undefined) {
    delete metadata['namespace'];
  }
}
