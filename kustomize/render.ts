import { emitYamlStream } from './emit/emit-yaml.js';
import { KustomizeError } from './errors.js';
import type { FileSystem } from './fs/file-system.js';
import { normalizeRelative } from './fs/paths.js';
import { BuildTarget, ORIGIN_ANNOTATION, TRANSFORMATIONS_ANNOTATION } from './load/build-target.js';
import { FileLoader, type LoadRestrictor } from './load/file-loader.js';
import { locate } from './load/read-kustomization.js';
import { ResMap } from './resource/res-map.js';
import { withSchemaScopes } from './resource/res-id.js';
import type { Resource } from './resource/resource.js';
import { applyFieldSpec, setEntry } from './transform/field-spec.js';
import { addContentHashes } from './transform/generators/content-hash.js';
import { transformNameReferences } from './transform/name-reference.js';
import { sortResources } from './transform/sort-resources.js';
import { resolveVars } from './transform/vars.js';
import { isJsonObject, type JsonObject } from './yaml/json-value.js';

/** The kustomize release whose output kustomize-ts reproduces (and names in `managedByLabel`). */
export const KUSTOMIZE_VERSION = 'v5.8.2';

/** Options of {@link renderKustomization}; none are needed to match `kustomize build`. */
export interface RenderOptions {
  /**
   * Remote bases and files (git URLs, `https://`) are always refused in this release, with a `not-supported` error
   * naming the field; there is no opt-in. The type admits only `false` so that asking for remote bases is a compile
   * error rather than a setting that is silently ignored. Vendor a remote base into the repository instead.
   */
  readonly allowRemote?: false;
  /**
   * kustomize's `--load-restrictor`; default `LoadRestrictionsRootOnly` (a file a kustomization names must lie in or
   * below its directory). Nothing is ever read outside the file system's root, whichever is chosen.
   */
  readonly loadRestrictor?: LoadRestrictor;
}

/** A render's result: the objects in output order, and the exact text `kustomize build` prints for them. */
export interface RenderResult {
  readonly objects: readonly JsonObject[];
  readonly yaml: string;
}

/**
 * Renders the kustomization in directory `dir` (relative to the file system's root), as `kustomize build dir` would,
 * byte for byte. Pure apart from reading through `fs`.
 * @throws KustomizeError naming the kustomization file and field at fault; nothing is returned on error.
 */
export function renderKustomization(fs: FileSystem, dir: string, options: RenderOptions = {}): RenderResult {
  // Scope questions read the build's custom OpenAPI schema once a kustomization names one; none is in force outside.
  return withSchemaScopes(() => render(fs, dir, options));
}

function render(fs: FileSystem, dir: string, options: RenderOptions): RenderResult {
  const root = normalizeRelative(dir);
  if (root === undefined) {
    throw new KustomizeError('outside-root', { file: dir }, `security; '${dir}' leaves the repository root`);
  }
  let target: BuildTarget;
  try {
    target = BuildTarget.at(FileLoader.at(fs, root, options.loadRestrictor));
    target.applyOpenApi(true);
    // Any buildMetadata makes kustomize track origins and transformations; what was not asked for is dropped below.
    if ((target.kustomization.spec.buildMetadata ?? []).length > 0) target.origin = '';
  } catch (error) {
    // No kustomization names this directory, so a missing or ambiguous kustomization file is located at the directory.
    return locate(error, root === '' ? '.' : root, undefined);
  }
  const map = new ResMap();
  const { config, vars } = target.accumulate(map);
  const file = target.kustomization.file;
  const step = <T>(field: string, fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      return locate(error, file, field);
    }
  };
  step('configMapGenerator/secretGenerator (name hashes)', () => addContentHashes(map));
  step('(name references)', () => transformNameReferences(map, config.nameReference));
  step('vars', () => resolveVars(map, vars, config.varReference));
  const kept = map.resources.filter((r) => !isLocalConfig(r));
  const sorted = step('sortOptions', () => sortResources(kept, target.kustomization.spec.sortOptions));
  if ((target.kustomization.spec.buildMetadata ?? []).includes('managedByLabel')) {
    for (const r of sorted) {
      applyFieldSpec(
        r,
        { path: 'metadata/labels', create: true },
        (slot) => setEntry(slot, 'app.kubernetes.io/managed-by', `kustomize-${KUSTOMIZE_VERSION}`),
        'map',
      );
    }
  }
  const buildMetadata = target.kustomization.spec.buildMetadata ?? [];
  for (const r of sorted) {
    // kustomize drops them whether or not it tracked them: an origin a file wrote itself goes too.
    dropUnaskedBuildMetadata(r, buildMetadata);
    finishResource(r);
  }
  const objects = sorted.map((r) => r.obj);
  const yaml = step('(output)', () => emitYamlStream(objects));
  return { objects, yaml };
}

/** Removes the origin and transformer annotations the top kustomization's `buildMetadata` does not ask for. */
function dropUnaskedBuildMetadata(r: Resource, buildMetadata: readonly string[]): void {
  // Every render asks this of every object, and almost none carries either annotation: look before copying.
  const raw = r.metadata()?.['annotations'];
  if (
    !isJsonObject(raw) ||
    !(Object.hasOwn(raw, ORIGIN_ANNOTATION) || Object.hasOwn(raw, TRANSFORMATIONS_ANNOTATION))
  ) {
    return;
  }
  const annotations = r.getAnnotations();
  const drop = [
    ...(buildMetadata.includes('originAnnotations') ? [] : [ORIGIN_ANNOTATION]),
    ...(buildMetadata.includes('transformerAnnotations') ? [] : [TRANSFORMATIONS_ANNOTATION]),
  ].filter((key) => annotations[key] !== undefined);
  if (drop.length === 0) return;
  for (const key of drop) delete annotations[key];
  r.setAnnotations(annotations);
}

/** kustomize drops resources annotated `config.kubernetes.io/local-config` (unless the value is "false"). */
function isLocalConfig(r: Resource): boolean {
  const value = r.getAnnotations()['config.kubernetes.io/local-config'];
  return value !== undefined && value !== 'false';
}

/**
 * Strips kustomize's bookkeeping and writes the annotations back as strings: kustomize always passes annotations
 * through its string-map setter on the way out, which also drops an empty or null `annotations:`.
 */
function finishResource(r: Resource): void {
  r.removeBuildAnnotations();
  r.setAnnotations(r.getAnnotations());
}
