import { KustomizeFailure } from '../errors.js';
import { Resource, scalarText } from '../resource/resource.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../yaml/json-value.js';
import { convertYamlAst, parseYamlAst, type YamlAst } from '../yaml/parse-yaml.js';

/**
 * Reads Kubernetes objects from YAML text as kustomize does: empty documents are skipped, every object needs a kind
 * and a metadata.name, and a `...List` with `items` is replaced by its items.
 */
export function readResources(text: string | YamlAst): Resource[] {
  const ast = typeof text === 'string' ? parseYamlAst(text) : text;
  const docs = convertYamlAst(ast, { annotationsAsText: true });
  return expandLists(docs).map((obj) => new Resource(obj));
}

/** Validates and flattens parsed documents. */
export function expandLists(docs: readonly JsonValue[]): JsonObject[] {
  const result: JsonObject[] = [];
  const queue = [...docs];
  while (queue.length > 0) {
    const doc = queue.shift();
    if (doc === undefined || doc === null) continue;
    if (!isJsonObject(doc)) throw new KustomizeFailure('invalid-yaml', 'missing Resource metadata');
    if (Object.keys(doc).length === 0) continue;
    validateMetadata(doc);
    const kind = scalarText(doc['kind']);
    if (!kind.endsWith('List') || !Object.hasOwn(doc, 'items')) {
      result.push(doc);
      continue;
    }
    const items = doc['items'];
    if (items === null) continue;
    if (!Array.isArray(items)) throw new KustomizeFailure('invalid-yaml', `expected array in ${kind}/items`);
    for (const item of items) {
      if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length === 0) continue;
      if (isJsonObject(item)) validateMetadata(item);
      queue.push(item);
    }
  }
  return result;
}

function validateMetadata(doc: JsonObject): void {
  const kind = doc['kind'];
  const meta = doc['metadata'];
  const hasKind = kind !== undefined && kind !== null && kind !== '';
  const hasApiVersion = doc['apiVersion'] !== undefined && doc['apiVersion'] !== null && doc['apiVersion'] !== '';
  if (!hasKind && !hasApiVersion && !isNonEmptyObject(meta)) {
    throw new KustomizeFailure('invalid-yaml', 'missing Resource metadata');
  }
  if (!hasKind) throw new KustomizeFailure('invalid-yaml', `missing kind in object ${describe(doc)}`);
  if (scalarText(kind).endsWith('List')) return;
  const name = isJsonObject(meta) ? meta['name'] : undefined;
  if (name === undefined || name === null || scalarText(name) === '') {
    throw new KustomizeFailure('invalid-yaml', `missing metadata.name in object ${describe(doc)}`);
  }
}

function isNonEmptyObject(value: JsonValue | undefined): boolean {
  return isJsonObject(value) && Object.keys(value).length > 0;
}

function describe(doc: JsonObject): string {
  return `{${scalarText(doc['apiVersion'])} ${scalarText(doc['kind'])}}`;
}
