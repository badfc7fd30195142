/**
 * Deciding what a `patches:` entry holds, as kustomize's PatchTransformer decides: the text is read both as
 * strategic merge patches (every YAML document an object with a kind and a name, `FooList`s unpacked) and as a
 * JSON 6902 patch (a JSON array, or else the first YAML document converted to JSON, read with YAML 1.1 rules as
 * sigs.k8s.io/yaml does). Strategic merge wins when both parse; exactly one must.
 */
import { parseAllDocuments } from 'yaml';
import { PatchParseError } from './errors.js';
import { isJsonObject } from './json.js';
import type { JsonObject, JsonValue } from './json.js';
import type { JsonPatchOp } from './json6902.js';

/** A classified patch. */
export type ParsedPatch =
  | { readonly type: 'strategic-merge'; readonly patches: readonly JsonObject[] }
  | { readonly type: 'json6902'; readonly ops: readonly JsonPatchOp[] };

/** Options of {@link parsePatch}. */
export interface ParsePatchOptions {
  /** How the patch is named in errors; kustomize writes `[patch: "..."]` or `[path: "..."]`. */
  readonly source?: string;
}

function text(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : '';
}

const isNilOrEmpty = (value: JsonValue | undefined) =>
  value === undefined ||
  value === null ||
  (Array.isArray(value) && value.length === 0) ||
  (isJsonObject(value) && Object.keys(value).length === 0);

/**
 * kustomize's resource factory on patch documents: drops empty documents, requires a kind and (except for lists) a
 * metadata.name, and unpacks `FooList` documents into their items.
 */
function strategicMergeDocuments(documents: readonly JsonValue[]): JsonObject[] {
  const queue = documents.filter((document) => !isNilOrEmpty(document));
  const result: JsonObject[] = [];
  while (queue.length > 0) {
    const document = queue.shift() as JsonValue;
    if (!isJsonObject(document)) throw new Error('missing Resource metadata');
    const kind = text(document['kind']);
    if (kind === '') throw new Error('missing kind in object');
    const metadata = isJsonObject(document['metadata']) ? document['metadata'] : {};
    if (!kind.endsWith('List') && text(metadata['name']) === '') throw new Error('missing metadata.name in object');
    if (!kind.endsWith('List') || !('items' in document)) {
      result.push(document);
      continue;
    }
    const items = document['items'];
    if (items === null) continue;
    if (!Array.isArray(items)) throw new Error(`expected array in ${kind}/items`);
    queue.push(...items.filter((item) => !isNilOrEmpty(item)));
  }
  return result;
}

function json6902Ops(value: unknown): JsonPatchOp[] {
  if (!Array.isArray(value)) throw new Error('a JSON patch is a list of operations');
  for (const op of value) {
    if (op !== null && !isJsonObject(op)) throw new Error('each JSON patch operation is an object');
  }
  return value.map((op) => (op === null ? { op: 'unknown' } : (op as unknown as JsonPatchOp)));
}

function classify(sm: () => JsonObject[], json: () => JsonPatchOp[], source: string): ParsedPatch {
  let patches: JsonObject[] | undefined;
  let ops: JsonPatchOp[] | undefined;
  try {
    patches = sm();
  } catch {
    patches = undefined;
  }
  try {
    ops = json();
  } catch {
    ops = undefined;
  }
  if (patches !== undefined && ops !== undefined && patches.length > 0 && ops.length > 0) {
    throw new PatchParseError('both', `illegally qualifies as both an SM and JSON patch: ${source}`);
  }
  if (patches !== undefined) return { type: 'strategic-merge', patches };
  if (ops !== undefined) return { type: 'json6902', ops };
  throw new PatchParseError('neither', `unable to parse SM or JSON patch from ${source}`);
}

/**
 * Classifies a patch given as text (a file's content or an inline `patch:`), or as an already parsed value (an
 * array is a JSON patch, an object one strategic merge patch).
 *
 * @returns the strategic merge patch documents (possibly none) or the JSON patch operations.
 * @throws PatchParseError when the text is empty, is neither kind of patch, or illegally is both.
 */
export function parsePatch(input: string | JsonValue, options: ParsePatchOptions = {}): ParsedPatch {
  if (typeof input !== 'string') {
    const source = options.source ?? '[patch]';
    if (Array.isArray(input)) return { type: 'json6902', ops: json6902Ops(input) };
    return classify(
      () => strategicMergeDocuments([input]),
      () => json6902Ops(input),
      source,
    );
  }
  const source = options.source ?? `[patch: ${JSON.stringify(input)}]`;
  if (input === '') throw new PatchParseError('empty', `unable to parse SM or JSON patch from ${source}`);
  const sm = () => {
    const documents = parseAllDocuments(input);
    if (!Array.isArray(documents)) throw new Error('no documents');
    for (const document of documents) if (document.errors.length > 0) throw document.errors[0] as Error;
    return strategicMergeDocuments(documents.map((document) => document.toJSON() as JsonValue));
  };
  const json = () => {
    if (input.startsWith('[')) return json6902Ops(JSON.parse(input) as unknown);
    // sigs.k8s.io/yaml reads only the first document, with YAML 1.1 rules (`yes` is true).
    const documents = parseAllDocuments(input, { version: '1.1' });
    const first = Array.isArray(documents) ? documents[0] : undefined;
    if (first === undefined || first.errors.length > 0) throw new Error('not YAML');
    return json6902Ops(first.toJSON() as unknown);
  };
  return classify(sm, json, source);
}
