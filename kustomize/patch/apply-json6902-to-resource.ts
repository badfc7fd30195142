/**
 * One resource's step of kustomize's PatchTransformer for a JSON patch: kustomize records the resource's current
 * identity in its build annotations, applies the operations, and then puts the build annotations back (so a patch
 * that rewrites `metadata.annotations` cannot lose them). Because the annotations map always exists while
 * kustomize builds, `add /metadata/annotations/x` works on an object that had no annotations.
 */
import type { JsonObject } from './json.js';
import { applyJson6902 } from './json6902.js';
import type { JsonPatchOp } from './json6902.js';
import {
  annotationsOf,
  builtinClusterScope,
  internalAnnotationsOf,
  storePreviousId,
  withAnnotations,
} from './res-id.js';
import type { ClusterScopeOracle } from './res-id.js';

/**
 * Applies a JSON patch to a resource the way `kustomize build` does (see the module comment). The result keeps
 * kustomize's build annotations; remove them with `removeBuildAnnotations` before printing.
 * @throws JsonPatchError as {@link applyJson6902}.
 */
export function applyJson6902ToResource(
  resource: JsonObject,
  ops: readonly JsonPatchOp[],
  scope: ClusterScopeOracle = builtinClusterScope,
): JsonObject {
  const stored = storePreviousId(resource, scope);
  const internal = internalAnnotationsOf(stored);
  const patched = applyJson6902(stored, ops);
  return withAnnotations(patched, { ...annotationsOf(patched), ...internal });
}
