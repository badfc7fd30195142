import { formatNumberLikeKustomize } from '../yaml/go-number.js';
import type { JsonValue } from '../yaml/json-value.js';
import { plainWouldChangeMeaning } from '../yaml/resolve-scalar.js';
import { BlockEmitter, type EmitNode, type ScalarEvent } from './block-emitter.js';
import { sortKeysLikeGoYaml } from './sort-keys.js';

/**
 * Writes one resource as `kustomize build` writes it. kustomize turns each resource into JSON and then into YAML
 * with go-yaml v2 (sigs.k8s.io/yaml `JSONToYAML`), so: keys in go-yaml's natural order, numbers as Go prints them,
 * strings that YAML 1.1 would read as something else (`yes`, `0123`, `2001-12-14`, `""`) double-quoted, strings with
 * a newline as literal blocks, and long plain lines folded at column 80.
 */
export function emitYamlDocument(value: JsonValue): string {
  return BlockEmitter.document(toEmitNode(value));
}

/** Writes resources as one multi-document stream, separated by `---` lines. */
export function emitYamlStream(values: readonly JsonValue[]): string {
  return values.map(emitYamlDocument).join('---\n');
}

function toEmitNode(value: JsonValue): EmitNode {
  if (Array.isArray(value)) return { kind: 'sequence', items: value.map(toEmitNode) };
  if (value !== null && typeof value === 'object') {
    const keys = sortKeysLikeGoYaml(Object.keys(value));
    return {
      kind: 'mapping',
      entries: keys.map((k) => [stringEvent(k), toEmitNode(value[k] ?? null)] as const),
    };
  }
  return { kind: 'scalar', scalar: scalarEvent(value) };
}

function scalarEvent(value: string | number | boolean | null): ScalarEvent {
  if (value === null) return { text: 'null', style: 'plain' };
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false', style: 'plain' };
  if (typeof value === 'number') return { text: formatNumberLikeKustomize(value), style: 'plain' };
  return stringEvent(value);
}

/** go-yaml v2's choice for a string: literal block if it has a newline, else plain unless that changes its meaning. */
function stringEvent(text: string): ScalarEvent {
  if (text.includes('\n')) return { text, style: 'literal' };
  return { text, style: plainWouldChangeMeaning(text) ? 'double' : 'plain' };
}
