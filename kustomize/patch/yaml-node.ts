/**
 * A small mutable node tree with the shape of a go-yaml v3 `yaml.Node`, so that the strategic merge and the
 * replacement field paths can follow kyaml's algorithms step by step. kyaml edits nodes in place and compares
 * scalars by their text, and several of its observable results (which list element survives, in what order)
 * depend on exactly that; a port over plain JSON would drift from the CLI in those corners.
 *
 * Nodes are built from a deep copy of the caller's JSON and turned back into fresh JSON, so callers' values are
 * never touched.
 */
import { isJsonObject } from './json.js';
import type { JsonObject, JsonValue } from './json.js';

export type NodeKind = 'map' | 'seq' | 'scalar';

export const TAG_NULL = '!!null';
export const TAG_STR = '!!str';

/** A node: maps hold alternating key and value nodes in `content`, sequences hold their items. */
export interface YNode {
  kind: NodeKind;
  /** `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, or empty for a scalar kyaml created from a bare string. */
  tag: string;
  /** A scalar's text. */
  value: string;
  content: YNode[];
  /** kyaml's `ShouldKeep`: an explicit null in the object that a merge must not drop. */
  keep?: boolean;
}

export function scalarNode(value: string, tag = ''): YNode {
  return { kind: 'scalar', tag, value, content: [] };
}

export function mapNode(): YNode {
  return { kind: 'map', tag: '!!map', value: '', content: [] };
}

export function seqNode(items: YNode[] = []): YNode {
  return { kind: 'seq', tag: '!!seq', value: '', content: items };
}

/** The text go-yaml gives a JSON number: integers plainly, others in the shortest form that reads back. */
function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n);
}

/** Builds a node tree from a JSON value. */
export function fromJson(value: JsonValue): YNode {
  if (value === null) return scalarNode('null', TAG_NULL);
  if (typeof value === 'string') return scalarNode(value, TAG_STR);
  if (typeof value === 'boolean') return scalarNode(value ? 'true' : 'false', '!!bool');
  if (typeof value === 'number') return scalarNode(numberText(value), Number.isInteger(value) ? '!!int' : '!!float');
  if (Array.isArray(value)) return seqNode(value.map(fromJson));
  const node = mapNode();
  for (const key in value) node.content.push(scalarNode(key, TAG_STR), fromJson(value[key]!));
  return node;
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);
const INT = /^[-+]?(0|[1-9][0-9_]*)$/;
const HEX = /^[-+]?0x[0-9a-fA-F]+$/;
const OCTAL = /^[-+]?0o[0-7]+$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOAT = /^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;

/** The tag go-yaml gives plain text (YAML 1.2 core schema): `!!null`, `!!bool`, `!!int`, `!!float` or `!!str`. */
export function resolveTag(text: string): string {
  if (NULLS.has(text)) return TAG_NULL;
  if (TRUE.has(text) || FALSE.has(text)) return '!!bool';
  if (INT.test(text) || HEX.test(text) || OCTAL.test(text)) return '!!int';
  if ((FLOAT.test(text) && /[0-9]/.test(text)) || SPECIAL_FLOAT.test(text)) return '!!float';
  return TAG_STR;
}

/**
 * The JSON value a scalar reads back as once printed: strings stay strings, and any other scalar (including an
 * untagged one kyaml made from text, or an `!!int` whose text a replacement overwrote) resolves by YAML's core
 * rules, as go-yaml resolves the printed text.
 */
function scalarToJson(node: YNode): JsonValue {
  if (node.tag === TAG_STR) return node.value;
  const text = node.value;
  if (node.tag === TAG_NULL) return null;
  switch (resolveTag(text)) {
    case TAG_NULL:
      return null;
    case '!!bool':
      return TRUE.has(text);
    case '!!int': {
      const sign = text.startsWith('-') ? -1 : 1;
      const digits = text.replace(/^[-+]/, '');
      if (digits.startsWith('0x')) return sign * Number.parseInt(digits.slice(2), 16);
      if (digits.startsWith('0o')) return sign * Number.parseInt(digits.slice(2), 8);
      return Number(text.replace(/_/g, ''));
    }
    case '!!float':
      // .inf and .nan have no JSON spelling; they read back as text.
      return SPECIAL_FLOAT.test(text) ? text : Number(text.replace(/_/g, ''));
    default:
      return text;
  }
}

/** Turns a node tree back into fresh JSON. */
export function toJson(node: YNode): JsonValue {
  switch (node.kind) {
    case 'scalar':
      return scalarToJson(node);
    case 'seq':
      return node.content.map(toJson);
    case 'map': {
      const object: JsonObject = {};
      for (let i = 0; i + 1 < node.content.length; i += 2) {
        object[(node.content[i] as YNode).value] = toJson(node.content[i + 1] as YNode);
      }
      return object;
    }
  }
}

/** kyaml `IsMissingOrNull`. */
export function isMissingOrNull(node: YNode | undefined): boolean {
  return node === undefined || node.tag === TAG_NULL;
}

/** The opposite of {@link isMissingOrNull}, as a type guard. */
export function isPresent(node: YNode | undefined): node is YNode {
  return node !== undefined && node.tag !== TAG_NULL;
}

/** kyaml `IsTaggedNull`. */
export function isTaggedNull(node: YNode | undefined): boolean {
  return node !== undefined && node.tag === TAG_NULL;
}

/** kyaml `IsEmptyMap`: missing, null, or a map without fields. */
export function isEmptyMap(node: YNode | undefined): boolean {
  return !isPresent(node) || (node.kind === 'map' && node.content.length === 0);
}

/** kyaml `IsNilOrEmpty`: missing, null, or an empty map or sequence. */
export function isNilOrEmpty(node: YNode | undefined): boolean {
  return isEmptyMap(node) || (node !== undefined && node.kind === 'seq' && node.content.length === 0);
}

/** kyaml `GetValue`: a scalar's text, empty for a missing or null node. */
export function getValue(node: YNode | undefined): string {
  return isPresent(node) ? node.value : '';
}

/** kyaml `SetYNode`: overwrites a node in place, so every holder of it sees the new value. */
export function setYNode(target: YNode, source: YNode): void {
  target.kind = source.kind;
  target.tag = source.tag;
  target.value = source.value;
  target.content = source.content.slice();
  if (source.keep === true) target.keep = true;
  else delete target.keep;
}

/** The field names of a map, in order (none for anything else). */
export function fieldNames(node: YNode | undefined): string[] {
  if (node === undefined || node.kind !== 'map') return [];
  const names: string[] = [];
  for (let i = 0; i < node.content.length; i += 2) names.push((node.content[i] as YNode).value);
  return names;
}

/** The value node of a field of a map (undefined for a missing field or a non-map). */
export function fieldValue(node: YNode | undefined, name: string): YNode | undefined {
  if (node === undefined || node.kind !== 'map') return undefined;
  for (let i = 0; i + 1 < node.content.length; i += 2) {
    if ((node.content[i] as YNode).value === name) return node.content[i + 1];
  }
  return undefined;
}

/** Sets a field of a map, replacing an existing value in place (kyaml `FieldSetter`). */
export function setField(node: YNode, name: string, value: YNode): void {
  const existing = fieldValue(node, name);
  if (existing !== undefined) {
    if (existing !== value) setYNode(existing, value);
    return;
  }
  node.content.push(scalarNode(name, TAG_STR), value);
}

/** Removes a field of a map (kyaml `FieldClearer`). */
export function clearField(node: YNode, name: string): void {
  if (node.kind !== 'map') return;
  for (let i = 0; i + 1 < node.content.length; i += 2) {
    if ((node.content[i] as YNode).value === name) {
      node.content.splice(i, 2);
      return;
    }
  }
}

/** Converts a JSON object into a node; a convenience for the entry points. */
export function objectNode(value: JsonObject): YNode {
  return fromJson(value);
}

/** Converts a node back, expecting an object (a null or non-object result reads as undefined). */
export function nodeToObject(node: YNode | undefined): JsonObject | undefined {
  if (node === undefined) return undefined;
  const json = toJson(node);
  return isJsonObject(json) ? json : undefined;
}

/** go-yaml's kind names, for messages that mirror kyaml's. */
export function kindName(kind: NodeKind | undefined): string {
  switch (kind) {
    case 'map':
      return 'MappingNode';
    case 'seq':
      return 'SequenceNode';
    case 'scalar':
      return 'ScalarNode';
    default:
      return 'Unknown';
  }
}
