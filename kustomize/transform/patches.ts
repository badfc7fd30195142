import { KustomizeFailure } from '../errors.js';
import type { FileLoader } from '../load/file-loader.js';
import type { PatchSpec, ReplacementSpec } from '../load/kustomization-schema.js';
import { readResources } from '../load/read-resources.js';
import { resIdEquals, resIdString } from '../resource/res-id.js';
import type { ResMap } from '../resource/res-map.js';
import type { Resource } from '../resource/resource.js';
import { BuildAnnotation } from '../resource/resource.js';
import { strategicMerge } from '../patch/index.js';

/** What a patch step needs: the resources so far and the kustomization's loader (for patch files). */
export interface PatchContext {
  readonly map: ResMap;
  readonly loader: FileLoader;
}

/** `patchesStrategicMerge:` entries: inline YAML or file paths; each patch finds its target by id. */
export function applyPatchesStrategicMerge(ctx: PatchContext, entries: readonly string[]): void {
  const patches = entries.flatMap((entry) => readStrategicMergeEntry(ctx.loader, entry));
  if (patches.length === 0) throw new KustomizeFailure('patch-failed', 'patch appears to be empty');
  for (const patch of patches) {
    const target = findPatchTarget(ctx.map, patch);
    applySmPatchTo(ctx.map, [target], patch, {});
  }
}

/** `patches:` entry: strategic merge or JSON 6902, inline or from a file, with or without a target selector. */
export function applyPatchesField(ctx: PatchContext, spec: PatchSpec): void {
  const text = patchText(ctx.loader, spec);
  if (spec.target) throw notWired('patches[].target');
  const patches = readResources(text);
  for (const patch of patches) {
    if (spec.options?.allowNameChange) patch.setAnnotation(BuildAnnotation.allowNameChange, 'enabled');
    if (spec.options?.allowKindChange) patch.setAnnotation(BuildAnnotation.allowKindChange, 'enabled');
    const target = findPatchTarget(ctx.map, patch);
    applySmPatchTo(ctx.map, [target], patch, spec.options ?? {});
  }
}

/** `patchesJson6902:` entry. */
export function applyPatchesJson6902(_ctx: PatchContext, _spec: PatchSpec): void {
  throw notWired('patchesJson6902');
}

/** `replacements:`. */
export function applyReplacementsField(_ctx: PatchContext, _replacements: readonly ReplacementSpec[]): void {
  throw notWired('replacements');
}

function notWired(field: string): KustomizeFailure {
  return new KustomizeFailure('not-supported', `${field} is not supported by kustomize-ts yet`);
}

function patchText(loader: FileLoader, spec: PatchSpec): string {
  const inline = (spec.patch ?? '').trim();
  const path = spec.path ?? '';
  if (inline === '' && path === '') throw new KustomizeFailure('patch-failed', 'must specify one of patch and path');
  if (inline !== '' && path !== '') throw new KustomizeFailure('patch-failed', "patch and path can't be set at the same time");
  if (inline !== '') return inline;
  return new TextDecoder().decode(loader.load(path));
}

function readStrategicMergeEntry(loader: FileLoader, entry: string): Resource[] {
  if (entry.includes('\n') || /^\s*[{[]/.test(entry)) return readResources(entry);
  try {
    return readResources(new TextDecoder().decode(loader.load(entry)));
  } catch (error) {
    if (error instanceof KustomizeFailure && error.reason === 'missing-file') {
      try {
        return readResources(entry);
      } catch {
        throw error;
      }
    }
    throw error;
  }
}

/** The one resource a targetless strategic merge patch names (by its original or any later id). */
function findPatchTarget(map: ResMap, patch: Resource): Resource {
  const id = patch.orgId();
  const matches = map.byAnyId((other) => resIdEquals(other, id));
  if (matches.length !== 1) {
    const what = matches.length === 0 ? 'no matches' : 'multiple matches';
    throw new KustomizeFailure(
      'patch-target-not-found',
      `no resource matches strategic merge patch "${resIdString(id)}": ${what} for Id ${resIdString(id)}; failed to find unique target for patch ${resIdString(id)}`,
    );
  }
  return matches[0] as Resource;
}

/** Applies a strategic merge patch to each target; a target the patch deletes leaves the map. */
function applySmPatchTo(
  map: ResMap,
  targets: readonly Resource[],
  patch: Resource,
  options: { allowNameChange?: boolean | null; allowKindChange?: boolean | null },
): void {
  for (const target of targets) {
    const merged = strategicMerge(target.obj, patch.obj, target.gvk(), {
      allowNameChange: options.allowNameChange === true,
      allowKindChange: options.allowKindChange === true,
    });
    if (merged === null) map.remove(target);
    else target.obj = merged;
  }
}
