import { YAML_STYLE_FLOAT, parseGoInteger } from './go-number.js';
import { parseYamlTimestamp } from './timestamp.js';

/**
 * Which go-yaml's rules resolve a plain scalar: kustomize reads resources with go-yaml v3 (YAML 1.2 booleans only)
 * but reads kustomization files, and re-reads its own output, with go-yaml v2 (YAML 1.1: `yes`, `on`, `y` are
 * booleans too).
 */
export type YamlDialect = 'go-yaml-v3' | 'go-yaml-v2';

/** The tag a scalar resolves to. */
export type ScalarTag = 'str' | 'int' | 'float' | 'bool' | 'null' | 'timestamp' | 'merge';

/** A resolved scalar: its tag and the JSON value kustomize ends up with. */
export interface ResolvedScalar {
  readonly tag: ScalarTag;
  readonly value: string | number | boolean | null;
}

const COMMON: ReadonlyMap<string, ResolvedScalar> = new Map<string, ResolvedScalar>([
  ...['true', 'True', 'TRUE'].map((s) => [s, { tag: 'bool', value: true }] as const),
  ...['false', 'False', 'FALSE'].map((s) => [s, { tag: 'bool', value: false }] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, { tag: 'null', value: null }] as const),
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, { tag: 'float', value: NaN }] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, { tag: 'float', value: Infinity }] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, { tag: 'float', value: -Infinity }] as const),
  ['<<', { tag: 'merge', value: '<<' }],
]);

const YAML11_BOOLS: ReadonlyMap<string, ResolvedScalar> = new Map<string, ResolvedScalar>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].map((s) => [s, { tag: 'bool', value: true }] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].map((s) => [s, { tag: 'bool', value: false }] as const),
]);

/** First characters that may start something other than a string (go-yaml's resolve table). */
function hintOf(text: string): 'sign' | 'digit' | 'map' | 'dot' | 'none' {
  if (text === '') return 'map';
  const c = text[0] ?? '';
  if (c === '+' || c === '-') return 'sign';
  if (c >= '0' && c <= '9') return 'digit';
  if ('yYnNtTfFoO~'.includes(c)) return 'map';
  if (c === '.') return 'dot';
  return 'none';
}

/** Resolves an untagged plain scalar the way go-yaml `resolve("", text)` does. */
export function resolvePlainScalar(text: string, dialect: YamlDialect): ResolvedScalar {
  const hint = hintOf(text);
  if (hint === 'none') return { tag: 'str', value: text };
  const known = COMMON.get(text) ?? (dialect === 'go-yaml-v2' ? YAML11_BOOLS.get(text) : undefined);
  if (known !== undefined) return known;
  if (hint === 'dot') {
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text)
      ? { tag: 'float', value: Number(text) }
      : { tag: 'str', value: text };
  }
  if (hint === 'map') return { tag: 'str', value: text };
  if (hint === 'digit' && isShortDecimal(text)) return { tag: 'int', value: Number(text) };
  const timestamp = parseYamlTimestamp(text);
  if (timestamp !== undefined) return { tag: 'timestamp', value: timestamp };
  const plain = text.replace(/_/g, '');
  const int = parseGoInteger(plain);
  if (int !== undefined) return { tag: 'int', value: Number(int) };
  if (YAML_STYLE_FLOAT.test(plain)) {
    const float = Number(plain);
    // Go's ParseFloat fails on overflow, and go-yaml then keeps the text as a string.
    if (Number.isFinite(float)) return { tag: 'float', value: float };
  }
  return { tag: 'str', value: text };
}

/**
 * Digits only, without a leading zero (octal in YAML 1.1), short enough to be exact as a number: the common integer
 * (ports, replica counts), resolved here without the timestamp pattern and the BigInt parse, which a cold render
 * process paid for each.
 */
function isShortDecimal(text: string): boolean {
  if (text.length > 15 || (text.length > 1 && text.charCodeAt(0) === 48)) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Whether go-yaml v2 would read `text`, written plain, as anything but that same string (so it must be quoted). */
export function plainWouldChangeMeaning(text: string): boolean {
  return resolvePlainScalar(text, 'go-yaml-v2').tag !== 'str' || isBase60Float(text);
}

/** YAML 1.1 sexagesimal floats (`1:30`), which go-yaml v2 quotes on output for other parsers' sake. */
function isBase60Float(text: string): boolean {
  const c = text[0];
  if (c === undefined || !(c === '+' || c === '-' || (c >= '0' && c <= '9')) || !text.includes(':')) return false;
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(text);
}
