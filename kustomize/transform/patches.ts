import { KustomizeFailure } from '../errors.js';
import type { FileLoader } from '../load/file-loader.js';
import type { PatchSpec, ReplacementSpec, SelectorSpec } from '../load/kustomization-schema.js';
import { readResources } from '../load/read-resources.js';
import {
  applyJson6902,
  applyJson6902ToResource,
  applyReplacements,
  annotationsOf,
  internalAnnotationsOf,
  selectTargets,
  strategicMerge,
  withAnnotations,
  type JsonPatchOp,
  type Replacement,
  type TargetSelector,
} from '../patch/index.js';
import {
  effectiveNamespace,
  isClusterScoped,
  parseGroupVersion,
  resIdEquals,
  resIdString,
} from '../resource/res-id.js';
import type { MergeKeyTable } from '../patch/merge-key-table.js';
import type { ResMap } from '../resource/res-map.js';
import type { Resource } from '../resource/resource.js';
import { isJsonObject, type JsonValue } from '../yaml/json-value.js';
import { YamlError, convertYamlAst, parseYamlAst, parseYamlDocuments, type YamlAst } from '../yaml/parse-yaml.js';

/** What a patch step needs: the resources so far and the kustomization's loader (for patch files). */
export interface PatchContext {
  readonly map: ResMap;
  readonly loader: FileLoader;
  /** The build's OpenAPI schema choice (`openapi:`); strategic merges use its merge keys when it has a custom table. */
  readonly schema?: OpenApiChoice;
}

/**
 * The OpenAPI schema of a build, which kustomize holds process-wide: `chosen` once a kustomization named one, `table`
 * the merge keys of a custom schema (`openapi.path`), which then replaces the builtin schema for every strategic merge
 * that follows, builtin kinds included.
 */
export interface OpenApiChoice {
  chosen: boolean;
  table: MergeKeyTable | undefined;
}

/** kustomize-ts's view of cluster scope, handed to the patch functions so every step agrees with the loader. */
const scope = (apiVersion: string, kind: string): boolean =>
  isClusterScoped({ ...parseGroupVersion(apiVersion), kind });

interface PatchOptions {
  readonly allowNameChange?: boolean | null;
  readonly allowKindChange?: boolean | null;
}

/** `patchesStrategicMerge:` entries (inline YAML or file paths); each patch finds its target by id. */
export function applyPatchesStrategicMerge(ctx: PatchContext, entries: readonly string[]): void {
  const patches = entries.flatMap((entry) => readStrategicMergeEntry(ctx.loader, entry));
  if (patches.length === 0) throw new KustomizeFailure('patch-failed', 'patch appears to be empty');
  for (const patch of patches) {
    const target = findPatchTarget(ctx.map, patch);
    applySmPatch(ctx, [target], patch, {});
  }
}

/**
 * A `patches:` entry. The text (inline, or the file at `path`) is a strategic merge patch (one or more objects)
 * or a JSON 6902 patch (a list of operations), never both. With a `target`, the patch applies to every resource
 * the selector picks (none is not an error, as in kustomize); without one, a strategic merge patch applies to the
 * resource with its own id.
 */
export function applyPatchesField(ctx: PatchContext, spec: PatchSpec): void {
  const text = patchText(ctx.loader, spec);
  const source = spec.path ? `[path: "${spec.path}"]` : `[patch: ${JSON.stringify(text)}]`;
  const { smPatches, jsonOps } = classifyPatch(text, source);
  const options: PatchOptions = spec.options ?? {};
  if (smPatches !== undefined) {
    if (spec.target) {
      if (smPatches.length > 1) {
        throw new KustomizeFailure(
          'patch-failed',
          `Multiple Strategic-Merge Patches in one \`patches\` entry is not allowed to set \`patches.target\` field: ${source}`,
        );
      }
      const [patch] = smPatches;
      if (patch !== undefined) applySmPatch(ctx, selectResources(ctx.map, spec.target), patch, options);
      return;
    }
    for (const patch of smPatches) applySmPatch(ctx, [findPatchTarget(ctx.map, patch)], patch, options);
    return;
  }
  if (!spec.target) throw new KustomizeFailure('patch-failed', `must specify a target for JSON patch ${source}`);
  for (const resource of selectResources(ctx.map, spec.target)) {
    resource.obj = applyJson6902ToResource(resource.obj, jsonOps ?? [], scope);
  }
}

/** A legacy `patchesJson6902:` entry: a JSON 6902 patch and a target that names a resource. */
export function applyPatchesJson6902(ctx: PatchContext, spec: PatchSpec): void {
  if (!spec.target?.name) throw new KustomizeFailure('patch-failed', 'must specify the target name');
  const path = spec.path ?? '';
  const inline = spec.patch ?? '';
  if (path === '' && inline === '') throw new KustomizeFailure('patch-failed', 'empty file path and empty jsonOp');
  if (path !== '' && inline !== '')
    throw new KustomizeFailure('patch-failed', 'must specify a file path or jsonOp, not both');
  const text = path !== '' ? ctx.loader.loadText(path) : inline;
  if (text === '') throw new KustomizeFailure('patch-failed', `patch file '${path}' seems to be empty`);
  const ops = parseJsonPatch(text);
  if (ops instanceof Error)
    throw new KustomizeFailure('patch-failed', `decoding ${text}: ${ops.message}`, { cause: ops });
  if (ops.length === 0)
    throw new KustomizeFailure('patch-failed', `patch appears to be empty; file=${path}, JsonOp=${inline}`);
  for (const resource of selectResources(ctx.map, spec.target)) {
    // Unlike `patches:`, the legacy field does not record the previous id; it only keeps the build annotations.
    const internal = internalAnnotationsOf(resource.obj);
    const patched = applyJson6902(resource.obj, ops);
    resource.obj = withAnnotations(patched, { ...annotationsOf(patched), ...internal });
  }
}

/** `replacements:`: inline entries, or `path:` files holding one replacement or a list of them. */
export function applyReplacementsField(ctx: PatchContext, entries: readonly ReplacementSpec[]): void {
  const replacements: Replacement[] = [];
  for (const entry of entries) {
    if (entry.path && (entry.source || (entry.targets ?? []).length > 0)) {
      throw new KustomizeFailure('replacement-failed', 'cannot specify both path and inline replacement');
    }
    if (entry.path) replacements.push(...readReplacementFile(ctx.loader, entry.path));
    else replacements.push(toReplacement(entry));
  }
  const objects = ctx.map.resources.map((r) => r.obj);
  const replaced = applyReplacements(objects, replacements);
  ctx.map.resources.forEach((resource, i) => {
    const next = replaced[i];
    if (next !== undefined) resource.obj = next;
  });
}

function readReplacementFile(loader: FileLoader, path: string): Replacement[] {
  const text = loader.loadText(path);
  let doc: JsonValue | undefined;
  try {
    doc = parseYamlDocuments(text, { dialect: 'go-yaml-v2' })[0];
  } catch (error) {
    if (error instanceof YamlError)
      throw new KustomizeFailure('replacement-failed', `${path}: ${error.message}`, { cause: error });
    throw error;
  }
  if (Array.isArray(doc)) return doc.map((item) => toReplacement(item as ReplacementSpec));
  if (isJsonObject(doc)) return [toReplacement(doc as ReplacementSpec)];
  throw new KustomizeFailure(
    'replacement-failed',
    `unsupported replacement type encountered within replacement path: ${path}`,
  );
}

/** Drops the nulls the kustomization decoder allows, giving the shape the replacement function takes. */
function toReplacement(spec: ReplacementSpec): Replacement {
  return stripNulls(spec) as Replacement;
}

function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, stripNulls(v)]),
    );
  }
  return value;
}

function toSelector(spec: SelectorSpec): TargetSelector {
  return stripNulls(spec) as TargetSelector;
}

/** The resources a target selects, as kustomize's ResMap.Select picks them (patches, ValueAddTransformer). */
export function selectResources(map: ResMap, target: SelectorSpec): Resource[] {
  const objects = map.resources.map((r) => r.obj);
  const picked = new Set(selectTargets(objects, toSelector(target), { scope }));
  return map.resources.filter((r) => picked.has(r.obj));
}

function patchText(loader: FileLoader, spec: PatchSpec): string {
  const inline = (spec.patch ?? '').trim();
  const path = spec.path ?? '';
  if (inline === '' && path === '') throw new KustomizeFailure('patch-failed', 'must specify one of patch and path');
  if (inline !== '' && path !== '')
    throw new KustomizeFailure('patch-failed', "patch and path can't be set at the same time");
  if (inline !== '') return inline;
  return loader.loadText(path);
}

/** Decides, as kustomize does, whether patch text is a strategic merge patch or a JSON 6902 patch. */
function classifyPatch(text: string, source: string): { smPatches?: Resource[]; jsonOps?: JsonPatchOp[] } {
  let smPatches: Resource[] | undefined;
  let smError: unknown;
  let ast: YamlAst | undefined;
  try {
    ast = parseYamlAst(text);
    smPatches = readResources(ast);
  } catch (error) {
    smError = error;
  }
  // Objects that read as resources can never also be a list of operations: skip the second reading.
  if (smPatches !== undefined && smPatches.length > 0) return { smPatches };
  const jsonOps = parseJsonPatch(text, ast);
  const jsonOk = !(jsonOps instanceof Error);
  if (smPatches !== undefined && jsonOk && smPatches.length > 0 && jsonOps.length > 0) {
    throw new KustomizeFailure('patch-failed', `illegally qualifies as both an SM and JSON patch: ${source}`);
  }
  if (smPatches === undefined && !jsonOk) {
    throw new KustomizeFailure('patch-failed', `unable to parse SM or JSON patch from ${source}`, { cause: smError });
  }
  return smPatches !== undefined ? { smPatches } : { jsonOps: jsonOk ? jsonOps : [] };
}

/** A JSON 6902 patch: JSON text when it starts with `[`, else YAML (read with YAML 1.1 rules, as kustomize does). */
function parseJsonPatch(text: string, ast?: YamlAst): JsonPatchOp[] | Error {
  if (text === '') return new Error('empty json patch operations');
  let doc: unknown;
  try {
    if (text.startsWith('[')) doc = JSON.parse(text);
    else doc = convertYamlAst(ast ?? parseYamlAst(text), { dialect: 'go-yaml-v2' })[0];
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  if (!Array.isArray(doc) || !doc.every(isJsonObject)) return new Error('a JSON patch must be a list of operations');
  return doc as unknown as JsonPatchOp[];
}

function readStrategicMergeEntry(loader: FileLoader, entry: string): Resource[] {
  // kustomize first reads the entry itself as YAML, and only then as a file path.
  try {
    const inline = readResources(entry);
    if (inline.length > 0) return inline;
  } catch {
    // not inline YAML: a path
  }
  return readResources(loader.loadText(entry));
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
function applySmPatch(ctx: PatchContext, targets: readonly Resource[], patch: Resource, options: PatchOptions): void {
  const map = ctx.map;
  const schema = ctx.schema?.table;
  for (const target of targets) {
    if (options.allowNameChange || options.allowKindChange) target.storePreviousId(effectiveNamespace(target.curId()));
    const merged = strategicMerge(target.obj, patch.obj, target.gvk(), {
      allowNameChange: options.allowNameChange === true,
      allowKindChange: options.allowKindChange === true,
      ...(schema === undefined ? {} : { schema }),
    });
    if (merged === null) map.remove(target);
    else target.obj = merged;
  }
}
