/**
 * Replacement targets inside a scalar that holds YAML or JSON text (kustomize v5.7+): a field path that runs into
 * a string (`data.config\.json.server.port`) continues inside the parsed text, and the text is written back: as
 * JSON (keys sorted, compact unless the original was indented, as Go's encoding/json writes it) when it started
 * with `{` or `[`, else as YAML.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, stringify } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { matchPath, splitFieldPath, lookup } from './field-path.js';
import type { JsonValue } from './json.js';
import { fromJson, mapNode, seqNode, TAG_STR, toJson } from './yaml-node.js';
import type { NodeKind, YNode } from './yaml-node.js';

/** Parses YAML text into a node tree, keeping key order; undefined when the text does not parse. */
export function parseYamlText(text: string): YNode | undefined {
  let document: Document;
  try {
    document = parseDocument(text, { uniqueKeys: false });
  } catch {
    return undefined;
  }
  if (document.errors.length > 0) return undefined;
  const convert = (node: unknown): YNode => {
    if (isAlias(node)) return convert(node.resolve(document));
    if (isMap(node)) {
      const map = mapNode();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        map.content.push({ kind: 'scalar', tag: TAG_STR, value: key, content: [] }, convert(pair.value));
      }
      return map;
    }
    if (isSeq(node)) return seqNode(node.items.map(convert));
    if (isScalar(node)) {
      const scalar = fromJson(node.value as JsonValue);
      // Keep a number's text as written (1.0 stays 1.0), as go-yaml does.
      if (typeof node.value === 'number' && typeof node.source === 'string') scalar.value = node.source;
      return scalar;
    }
    return fromJson(null);
  };
  return convert(document.contents as YamlNode | null);
}

/** A node as a plain value for the `yaml` printer, with maps as `Map`s so that key order survives. */
function printable(node: YNode): unknown {
  if (node.kind === 'seq') return node.content.map(printable);
  if (node.kind === 'map') {
    const map = new Map<string, unknown>();
    for (let i = 0; i + 1 < node.content.length; i += 2) {
      map.set((node.content[i] as YNode).value, printable(node.content[i + 1] as YNode));
    }
    return map;
  }
  return toJson(node);
}

function sortedJson(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortedJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortedJson(value[key] as JsonValue)]),
    );
  }
  return value;
}

/** Go's encoding/json escapes these even in strings that do not need it. */
function goJsonEscapes(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Writes the edited structure back in the format of the original text. */
export function serializeLike(structure: YNode, original: string): string {
  const first = original.trim()[0];
  if (first === '{' || first === '[') {
    const value = sortedJson(toJson(structure));
    const pretty = original.includes('\n') && original.includes('  ');
    return goJsonEscapes(pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value));
  }
  return stringify(printable(structure), { indentSeq: false, lineWidth: 0 }).trim();
}

/**
 * kyaml's fallback for a target path that runs into a scalar: the rest of the path is matched inside the parsed
 * text, but the matches are detached from the object, so writing to them changes nothing.
 */
export function descendDetached(scalar: YNode, rest: readonly string[], create: NodeKind | undefined): YNode[] {
  const parsed = parseYamlText(scalar.value);
  if (parsed === undefined)
    throw new Error(`cannot parse the text of a scalar as YAML: ${JSON.stringify(scalar.value)}`);
  return matchPath(parsed, rest, create, descendDetached);
}

/**
 * kustomize `setValueInStructuredData`: when a prefix of `fieldPath` is a scalar whose text parses, sets the rest
 * of the path inside that text with `set` and writes the text back. Returns false when the path does not lead
 * into such a scalar or anything fails inside it, in which case kustomize falls back to the ordinary path.
 */
export function setInStructuredData(
  target: YNode,
  fieldPath: string,
  create: NodeKind | undefined,
  set: (field: YNode) => void,
): boolean {
  const parts = splitFieldPath(fieldPath);
  if (parts.length < 2) return false;
  for (let i = 1; i < parts.length; i += 1) {
    let scalar: YNode | undefined;
    try {
      scalar = lookup(target, parts.slice(0, i));
    } catch {
      continue;
    }
    if (scalar === undefined || scalar.kind !== 'scalar') continue;
    const structure = parseYamlText(scalar.value);
    if (structure === undefined) continue;
    try {
      const fields = matchPath(structure, parts.slice(i), create, descendDetached);
      if (fields.length === 0) return false;
      fields.forEach(set);
      scalar.value = serializeLike(structure, scalar.value);
      return true;
    } catch {
      return false;
    }
  }
  return false;
}
