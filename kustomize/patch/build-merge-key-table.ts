/**
 * Turns a Kubernetes OpenAPI v2 document into a {@link MergeKeyTable}: for every group/version/kind the document
 * declares (`x-kubernetes-group-version-kind`), every path to a list field that carries a list extension, and the
 * kind's scope.
 *
 * Two inputs are understood, both holding OpenAPI v2 `definitions`:
 * - a plain OpenAPI v2 document (`api/openapi-spec/swagger.json` in the Kubernetes repository, or an apiserver's
 *   `/openapi/v2`), where scope comes from the `paths` (a GET path with `namespaces/{namespace}` means namespaced,
 *   the rule kyaml applies);
 * - kyaml's compiled bundle (`kubernetes-openapi-union-*.bundle-v1.json.gz`, the schema kustomize embeds), where
 *   scope comes from its `resources` index.
 *
 * Paths follow the schema the way kyaml's walker does: object `properties` by name, array `items` as `[]`, and the
 * value schema of an `additionalProperties` map as `*`. A definition met again below itself (JSONSchemaProps) is not
 * expanded twice: the path where it recurs is recorded as a recursion to the path where it was first entered.
 */
import { listMergeBehaviour } from './merge-key-table.js';
import type { KindInfo, ListFieldInfo, MergeKeyTable } from './merge-key-table.js';

type Schema = Record<string, unknown>;

const EXTENSIONS = {
  strategy: 'x-kubernetes-patch-strategy',
  mergeKey: 'x-kubernetes-patch-merge-key',
  listType: 'x-kubernetes-list-type',
  listMapKeys: 'x-kubernetes-list-map-keys',
} as const;

/** Raised when the document is not an OpenAPI v2 document this builder understands. */
export class OpenApiDocumentError extends Error {
  override readonly name = 'OpenApiDocumentError';
}

function isRecord(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What one walk from a kind's root definition collects. */
interface WalkResult {
  readonly lists: Record<string, ListFieldInfo>;
  /** Paths of `additionalProperties` maps: below them the next segment is `*`, whatever the key. */
  readonly maps: Set<string>;
  /** A path where a definition recurs below itself → the path where that definition was first entered. */
  readonly recursions: Record<string, string>;
}

interface Frame {
  readonly name: string;
  readonly path: string;
}

class DefinitionWalker {
  constructor(private readonly definitions: Record<string, Schema>) {}

  /** Follows `$ref`s (kyaml resolves a chain of them) to the schema they name. */
  resolve(schema: Schema): { schema: Schema; name?: string } {
    let current = schema;
    let name: string | undefined;
    for (let hops = 0; typeof current['$ref'] === 'string'; hops += 1) {
      const ref = current['$ref'];
      const prefix = '#/definitions/';
      if (!ref.startsWith(prefix) || hops > 32)
        throw new OpenApiDocumentError(`unsupported $ref ${JSON.stringify(ref)}`);
      name = ref.slice(prefix.length);
      const target = this.definitions[name];
      if (!isRecord(target)) throw new OpenApiDocumentError(`dangling $ref ${JSON.stringify(ref)}`);
      current = target;
    }
    return name === undefined ? { schema: current } : { schema: current, name };
  }

  /** Walks a kind's root definition. */
  walkRoot(name: string, definition: Schema): WalkResult {
    const result: WalkResult = { lists: {}, maps: new Set(), recursions: {} };
    this.walkObject(definition, '', [{ name, path: '' }], result);
    return prune(result);
  }

  private walkObject(schema: Schema, path: string, stack: Frame[], out: WalkResult): void {
    const properties = isRecord(schema['properties']) ? schema['properties'] : undefined;
    if (properties !== undefined) {
      for (const field of Object.keys(properties).sort()) {
        const property = properties[field];
        if (isRecord(property)) this.walkValue(property, join(path, field), stack, out);
      }
      return;
    }
    // kyaml's Field() falls back to the additionalProperties schema for any key.
    const additional = schema['additionalProperties'];
    if (isRecord(additional)) {
      out.maps.add(path);
      this.walkValue(additional, join(path, '*'), stack, out);
    }
  }

  /** A field's value (or a list's items): extensions are read after resolving its $ref, as kyaml does. */
  private walkValue(value: Schema, path: string, stack: Frame[], out: WalkResult): void {
    const { schema, name } = this.resolve(value);
    let inner = stack;
    if (name !== undefined) {
      const earlier = stack.find((frame) => frame.name === name);
      if (earlier !== undefined) {
        out.recursions[path] = earlier.path;
        return;
      }
      inner = [...stack, { name, path }];
    }
    if (isArray(schema)) {
      const info = listInfo(schema);
      if (info !== undefined) out.lists[path] = info;
      const items = schema['items'];
      if (isRecord(items)) this.walkValue(items, `${path}[]`, inner, out);
      return;
    }
    this.walkObject(schema, path, inner, out);
  }
}

/** Keeps only the maps and recursions below which some list field lies: the rest change nothing. */
function prune(result: WalkResult): WalkResult {
  const listPaths = Object.keys(result.lists);
  const hasListBelow = (path: string): boolean =>
    listPaths.some((p) => path === '' || p.startsWith(`${path}.`) || p.startsWith(`${path}[]`));
  const recursions: Record<string, string> = {};
  for (const [path, target] of Object.entries(result.recursions)) {
    if (hasListBelow(target)) recursions[path] = target;
  }
  const leadsSomewhere = (path: string): boolean =>
    hasListBelow(path) || Object.keys(recursions).some((p) => p.startsWith(`${path}.`) || p.startsWith(`${path}[]`));
  const maps = new Set([...result.maps].filter(leadsSomewhere));
  return { lists: result.lists, maps, recursions };
}

function join(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}

function isArray(schema: Schema): boolean {
  const type = schema['type'];
  return type === 'array' || (Array.isArray(type) && type.length === 1 && type[0] === 'array');
}

function listInfo(schema: Schema): ListFieldInfo | undefined {
  const info: { -readonly [K in keyof ListFieldInfo]: ListFieldInfo[K] } = {};
  const strategy = schema[EXTENSIONS.strategy];
  const mergeKey = schema[EXTENSIONS.mergeKey];
  const listType = schema[EXTENSIONS.listType];
  const listMapKeys = schema[EXTENSIONS.listMapKeys];
  if (typeof strategy === 'string') info.strategy = strategy;
  if (typeof mergeKey === 'string') info.mergeKey = mergeKey;
  if (typeof listType === 'string') info.listType = listType;
  if (Array.isArray(listMapKeys) && listMapKeys.every((key) => typeof key === 'string')) {
    info.listMapKeys = listMapKeys as string[];
  }
  return Object.keys(info).length === 0 ? undefined : info;
}

interface GvkRef {
  apiVersion: string;
  kind: string;
}

function gvksOf(definition: Schema): GvkRef[] {
  const extension = definition['x-kubernetes-group-version-kind'];
  if (!Array.isArray(extension)) return [];
  const result: GvkRef[] = [];
  for (const entry of extension) {
    if (!isRecord(entry) || typeof entry['version'] !== 'string' || typeof entry['kind'] !== 'string') continue;
    const group = typeof entry['group'] === 'string' ? entry['group'] : '';
    result.push({ apiVersion: group === '' ? entry['version'] : `${group}/${entry['version']}`, kind: entry['kind'] });
  }
  return result;
}

/** Scope by the rule kyaml applies to an OpenAPI document's paths. */
function scopesFromPaths(paths: Schema): Map<string, 'Namespaced' | 'Cluster'> {
  const scopes = new Map<string, 'Namespaced' | 'Cluster'>();
  for (const path of Object.keys(paths).sort()) {
    const item = paths[path];
    const get = isRecord(item) ? item['get'] : undefined;
    if (!isRecord(get)) continue;
    const extension = get['x-kubernetes-group-version-kind'];
    if (!isRecord(extension)) continue;
    for (const gvk of gvksOf({ 'x-kubernetes-group-version-kind': [extension] })) {
      const key = `${gvk.apiVersion} ${gvk.kind}`;
      if (path.includes('namespaces/{namespace}')) scopes.set(key, 'Namespaced');
      else if (!scopes.has(key)) scopes.set(key, 'Cluster');
    }
  }
  return scopes;
}

function scopesFromBundle(resources: unknown[]): Map<string, 'Namespaced' | 'Cluster'> {
  const scopes = new Map<string, 'Namespaced' | 'Cluster'>();
  for (const resource of resources) {
    if (!isRecord(resource)) continue;
    const { apiVersion, kind, scope } = resource;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') continue;
    if (scope === 'Namespaced' || scope === 'Cluster') scopes.set(`${apiVersion} ${kind}`, scope);
  }
  return scopes;
}

/**
 * Every kind's scope by `apiVersion kind`, as kyaml reads them from an OpenAPI document's paths (or a bundle's
 * resource index), including kinds that have no definition.
 */
export function scopesOfDocument(document: Record<string, unknown>): Map<string, 'Namespaced' | 'Cluster'> {
  if (isRecord(document['paths'])) return scopesFromPaths(document['paths']);
  if (Array.isArray(document['resources'])) return scopesFromBundle(document['resources']);
  return new Map();
}

function describeSource(document: Schema): { title: string; kubernetesVersion: string } {
  const info = document['info'];
  if (isRecord(info)) {
    return { title: String(info['title'] ?? 'Kubernetes'), kubernetesVersion: String(info['version'] ?? 'unknown') };
  }
  const coverage = document['coverage'];
  if (isRecord(coverage) && typeof coverage['ceiling'] === 'string') {
    return { title: 'kyaml built-in OpenAPI bundle', kubernetesVersion: coverage['ceiling'] };
  }
  return { title: 'unknown', kubernetesVersion: 'unknown' };
}

/**
 * Builds the table from a parsed OpenAPI v2 document (or kyaml bundle).
 * @param sha256 digest of the document bytes, recorded in the table's source.
 * @param description where the document came from, for a reader of the generated file.
 */
export function buildMergeKeyTable(document: unknown, sha256: string, description: string): MergeKeyTable {
  if (!isRecord(document) || !isRecord(document['definitions'])) {
    throw new OpenApiDocumentError('not an OpenAPI v2 document: there is no "definitions" object');
  }
  const definitions = document['definitions'] as Record<string, Schema>;
  const scopes = scopesOfDocument(document);

  const walker = new DefinitionWalker(definitions);
  const kinds: Record<string, Record<string, KindInfo>> = {};
  for (const name of Object.keys(definitions).sort()) {
    const definition = definitions[name];
    if (!isRecord(definition)) continue;
    const gvks = gvksOf(definition);
    if (gvks.length === 0) continue;
    const walked = walker.walkRoot(name, definition);
    for (const gvk of gvks) {
      const byKind = (kinds[gvk.apiVersion] ??= {});
      // Several definitions may claim one GVK (meta types such as WatchEvent); keep the one with more to say.
      const previous = byKind[gvk.kind];
      if (previous !== undefined && Object.keys(previous.lists).length >= Object.keys(walked.lists).length) continue;
      byKind[gvk.kind] = kindInfoOf(walked, scopes.get(`${gvk.apiVersion} ${gvk.kind}`));
    }
  }
  const sortedKinds: Record<string, Record<string, KindInfo>> = {};
  for (const apiVersion of Object.keys(kinds).sort()) sortedKinds[apiVersion] = sortKeys(kinds[apiVersion] ?? {});
  return { source: { ...describeSource(document), sha256, description }, kinds: sortedKinds };
}

function kindInfoOf(walked: WalkResult, scope: 'Namespaced' | 'Cluster' | undefined): KindInfo {
  const maps = [...walked.maps].sort();
  const recursions = sortKeys(walked.recursions);
  return {
    ...(scope === undefined ? {} : { scope }),
    lists: sortKeys(walked.lists),
    ...(maps.length === 0 ? {} : { maps }),
    ...(Object.keys(recursions).length === 0 ? {} : { recursions }),
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const sorted: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = record[key] as T;
  return sorted;
}

/** One difference between two tables, for the comparison the generator prints. */
export interface TableDifference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly path: string;
  readonly before?: ListFieldInfo | 'kind unknown';
  readonly after?: ListFieldInfo | 'kind unknown';
}

/**
 * Every path whose list extensions differ between two tables (kinds only one table knows, and that have list
 * fields, are reported once with path `*`). With `behaviourOnly`, only differences that change what kyaml's merge
 * does (see {@link listMergeBehaviour}) are reported.
 */
export function compareTables(before: MergeKeyTable, after: MergeKeyTable, behaviourOnly = false): TableDifference[] {
  const differences: TableDifference[] = [];
  const apiVersions = new Set([...Object.keys(before.kinds), ...Object.keys(after.kinds)]);
  for (const apiVersion of [...apiVersions].sort()) {
    const kindsBefore = before.kinds[apiVersion] ?? {};
    const kindsAfter = after.kinds[apiVersion] ?? {};
    for (const kind of [...new Set([...Object.keys(kindsBefore), ...Object.keys(kindsAfter)])].sort()) {
      const a = kindsBefore[kind];
      const b = kindsAfter[kind];
      if (a === undefined || b === undefined) {
        if (Object.keys((a ?? b)?.lists ?? {}).length === 0) continue;
        differences.push({
          apiVersion,
          kind,
          path: '*',
          ...(a === undefined ? { before: 'kind unknown' as const } : { after: 'kind unknown' as const }),
        });
        continue;
      }
      for (const path of [...new Set([...Object.keys(a.lists), ...Object.keys(b.lists)])].sort()) {
        const x = a.lists[path];
        const y = b.lists[path];
        if (JSON.stringify(x) === JSON.stringify(y)) continue;
        if (behaviourOnly && JSON.stringify(listMergeBehaviour(x)) === JSON.stringify(listMergeBehaviour(y))) continue;
        differences.push({
          apiVersion,
          kind,
          path,
          ...(x === undefined ? {} : { before: x }),
          ...(y === undefined ? {} : { after: y }),
        });
      }
    }
  }
  return differences;
}
