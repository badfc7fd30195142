/**
 * Resource identities as kustomize tracks them during a build. kustomize records every earlier identity of an
 * object (before a namePrefix, a namespace change, a renaming patch) in build annotations on the object itself
 * (`internal.config.kubernetes.io/previousNames` and friends) and strips them at output; patch targets and
 * replacement sources match an object by its original identity as well as its current one.
 *
 * The patch functions read those annotations straight from the objects they are given, so an engine that keeps
 * them the way kustomize does gets kustomize's matching. {@link storePreviousId} and {@link removeBuildAnnotations}
 * are the two operations kustomize performs on them.
 */
import { cloneJson, isJsonObject } from './json.js';
import type { JsonObject } from './json.js';
import { isNamespaced, parseApiVersion } from './merge-key-table.js';
import { BUILTIN_MERGE_KEYS } from './merge-keys.generated.js';

/** Build annotations, as kustomize names them. */
export const BUILD_ANNOTATIONS = {
  previousNames: 'internal.config.kubernetes.io/previousNames',
  previousNamespaces: 'internal.config.kubernetes.io/previousNamespaces',
  previousKinds: 'internal.config.kubernetes.io/previousKinds',
} as const;

/** The prefix of the annotations kustomize keeps only while building. */
export const INTERNAL_ANNOTATION_PREFIX = 'internal.config.kubernetes.io/';

/** Deprecated spellings kyaml still treats as internal (kioutil.GetInternalAnnotations). */
const LEGACY_INTERNAL_ANNOTATIONS = ['config.kubernetes.io/path', 'config.kubernetes.io/index', 'config.k8s.io/id'];

/** The annotations kustomize removes before printing (resource.BuildAnnotations). */
const REMOVED_AT_OUTPUT = new Set([
  ...['previousKinds', 'previousNames', 'prefixes', 'suffixes', 'previousNamespaces', 'allowNameChange'].map(
    (name) => INTERNAL_ANNOTATION_PREFIX + name,
  ),
  ...['allowKindChange', 'refBy', 'generatorBehavior', 'needsHashSuffix', 'helm-generated'].map(
    (name) => INTERNAL_ANNOTATION_PREFIX + name,
  ),
  ...['path', 'index', 'seqindent', 'id', 'annotations-migration-resource-id'].map(
    (name) => INTERNAL_ANNOTATION_PREFIX + name,
  ),
  ...LEGACY_INTERNAL_ANNOTATIONS,
]);

/** What kustomize calls a ResId: group, version, kind, name and namespace (empty strings when unset). */
export interface ResId {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

/** kustomize's marker namespace for cluster-scoped objects. */
export const NON_NAMESPACEABLE = '_non_namespaceable_';

/** Decides whether a kind is cluster-scoped; by default kustomize's own answer (its embedded schema). */
export type ClusterScopeOracle = (apiVersion: string, kind: string) => boolean;

/** kustomize's answer: cluster-scoped only if its embedded schema says so; unknown kinds are namespaced. */
export const builtinClusterScope: ClusterScopeOracle = (apiVersion, kind) =>
  isNamespaced(BUILTIN_MERGE_KEYS, apiVersion, kind) === false;

/** The text kyaml reads for a string-map value: a scalar's text, nothing for null, a map or a list. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function metadataOf(object: JsonObject): JsonObject {
  const metadata = object['metadata'];
  return isJsonObject(metadata) ? metadata : {};
}

/** The object's annotations as strings (kustomize reads them as a string map). */
export function annotationsOf(object: JsonObject): Record<string, string> {
  const annotations = metadataOf(object)['annotations'];
  const result: Record<string, string> = {};
  if (isJsonObject(annotations)) for (const [k, v] of Object.entries(annotations)) result[k] = text(v);
  return result;
}

/** The object's labels as strings. */
export function labelsOf(object: JsonObject): Record<string, string> {
  const labels = metadataOf(object)['labels'];
  const result: Record<string, string> = {};
  if (isJsonObject(labels)) for (const [k, v] of Object.entries(labels)) result[k] = text(v);
  return result;
}

/** The object's current identity (namespace as written: empty when unset). */
export function currentId(object: JsonObject): ResId {
  const { group, version } = parseApiVersion(text(object['apiVersion']));
  const metadata = metadataOf(object);
  return {
    group,
    version,
    kind: text(object['kind']),
    name: text(metadata['name']),
    namespace: text(metadata['namespace']),
  };
}

/**
 * The object's earlier identities, oldest first, from its build annotations (kyaml `PrevIds`).
 * @throws Error when the three annotations disagree in length, which kustomize reports the same way.
 */
export function previousIds(object: JsonObject): ResId[] {
  const annotations = annotationsOf(object);
  const names = annotations[BUILD_ANNOTATIONS.previousNames];
  if (names === undefined) return [];
  const nameList = names.split(',');
  const namespaces = (annotations[BUILD_ANNOTATIONS.previousNamespaces] ?? '').split(',');
  const kinds = (annotations[BUILD_ANNOTATIONS.previousKinds] ?? '').split(',');
  if (nameList.length !== namespaces.length || nameList.length !== kinds.length) {
    throw new Error('number of previous names, number of previous namespaces, number of previous kinds not equal');
  }
  const { group, version } = currentId(object);
  return nameList.map((name, i) => ({
    group,
    version,
    kind: kinds[i] as string,
    name,
    namespace: namespaces[i] as string,
  }));
}

/** The current identity followed by the earlier ones (kustomize `MakeResIds`, used by replacements). */
export function allIds(object: JsonObject): ResId[] {
  return [currentId(object), ...previousIds(object)];
}

/** The identity the object had when it was loaded (kustomize `OrgId`). */
export function originalId(object: JsonObject): ResId {
  return previousIds(object)[0] ?? currentId(object);
}

/**
 * kustomize's `EffectiveNamespace`: `_non_namespaceable_` for a cluster-scoped kind (only when `scope` is given:
 * kustomize does not look up the scope of identities rebuilt from annotations), `default` for an empty namespace.
 */
export function effectiveNamespace(id: ResId, scope?: ClusterScopeOracle): string {
  if (scope !== undefined && scope(id.group === '' ? id.version : `${id.group}/${id.version}`, id.kind)) {
    return NON_NAMESPACEABLE;
  }
  return id.namespace === '' ? 'default' : id.namespace;
}

function appendCsv(annotations: JsonObject, key: string, value: string): void {
  if (value === '') return;
  const current = annotations[key];
  annotations[key] = typeof current === 'string' ? `${current},${value}` : value;
}

/**
 * kustomize `StorePreviousId`: appends the object's current name, effective namespace and kind to its build
 * annotations (kustomize does this before a JSON patch, a renaming strategic merge patch, a prefix/suffix or a
 * namespace change). Returns a new object.
 */
export function storePreviousId(object: JsonObject, scope: ClusterScopeOracle = builtinClusterScope): JsonObject {
  const result = cloneJson(object);
  const id = currentId(result);
  const metadata = isJsonObject(result['metadata']) ? result['metadata'] : (result['metadata'] = {});
  const annotations = isJsonObject(metadata['annotations']) ? metadata['annotations'] : (metadata['annotations'] = {});
  appendCsv(annotations, BUILD_ANNOTATIONS.previousNames, id.name);
  appendCsv(annotations, BUILD_ANNOTATIONS.previousNamespaces, effectiveNamespace(id, scope));
  appendCsv(annotations, BUILD_ANNOTATIONS.previousKinds, id.kind);
  return result;
}

/** The build-only annotations of an object (kioutil.GetInternalAnnotations: `internal.config.kubernetes.io/*`). */
export function internalAnnotationsOf(object: JsonObject): Record<string, string> {
  return Object.fromEntries(
    Object.entries(annotationsOf(object)).filter(
      ([key]) => key.startsWith(INTERNAL_ANNOTATION_PREFIX) || LEGACY_INTERNAL_ANNOTATIONS.includes(key),
    ),
  );
}

/**
 * kustomize `RemoveBuildAnnotations`, run on every object before printing: removes the build annotations and
 * writes the rest back as strings (`port: 8080` becomes `port: "8080"`), dropping `metadata.annotations` when
 * nothing is left (an empty `annotations: {}` goes too, as the CLI's output shows). Returns a new object.
 */
export function removeBuildAnnotations(object: JsonObject): JsonObject {
  const metadata = object['metadata'];
  if (!isJsonObject(metadata) || !isJsonObject(metadata['annotations'])) return cloneJson(object);
  const kept = Object.fromEntries(Object.entries(annotationsOf(object)).filter(([key]) => !REMOVED_AT_OUTPUT.has(key)));
  return withAnnotations(object, kept);
}

/**
 * kustomize `SetAnnotations`: replaces the annotations with string values, creating `metadata` if needed and
 * dropping `annotations` when the map is empty. Returns a new object.
 */
export function withAnnotations(object: JsonObject, annotations: Record<string, string>): JsonObject {
  const result = cloneJson(object);
  const metadata = isJsonObject(result['metadata']) ? result['metadata'] : (result['metadata'] = {});
  delete metadata['annotations'];
  const keys = Object.keys(annotations).sort();
  if (keys.length > 0)
    metadata['annotations'] = Object.fromEntries(keys.map((key) => [key, annotations[key] as string]));
  return result;
}
