/**
 * The few kyaml node filters the strategic merge is built from (`FieldMatcher`, `ElementMatcher`, `ElementSetter`,
 * `ElementValuesList`), reproduced with their corner cases: which elements they skip, drop or keep decides the
 * order and content of merged lists, and kustomize's output follows from those details.
 */
import { StrategicMergeError } from './errors.js';
import {
  fieldValue,
  getValue,
  isEmptyMap,
  isMissingOrNull,
  isNilOrEmpty,
  isPresent,
  kindName,
  scalarNode,
  toJson,
} from './yaml-node.js';
import type { NodeKind, YNode } from './yaml-node.js';

/** kyaml `ErrorIfInvalid`: a missing or null node passes; anything else must be of `kind`. */
export function checkKind(node: YNode | undefined, kind: NodeKind, path = ''): void {
  if (!isPresent(node) || node.kind === kind) return;
  throw new StrategicMergeError(
    'kind-mismatch',
    path,
    `wrong node kind: expected ${kindName(kind)} but got ${kindName(node.kind)}: node contents:\n` +
      `${JSON.stringify(toJson(node))}`,
  );
}

/**
 * kyaml `FieldMatcher` with a name: the value of field `name` of a map, if `value` is given only when the field's
 * text equals it. With an empty name it matches a scalar by text instead.
 */
export function matchField(node: YNode | undefined, name: string, value?: YNode): YNode | undefined {
  if (!isPresent(node)) return undefined;
  if (name === '') {
    checkKind(node, 'scalar');
    return getValue(node) === getValue(value) ? node : undefined;
  }
  checkKind(node, 'map');
  const found = fieldValue(node, name);
  if (found === undefined) return undefined;
  return value === undefined || found.value === value.value ? found : undefined;
}

/** `FieldMatcher{Name, StringValue}`: an empty string value means "any value". */
function matchFieldByString(node: YNode, name: string, value: string): YNode | undefined {
  return matchField(node, name, value === '' ? undefined : scalarNode(value));
}

/** Options of kyaml's `ElementSetter`: `element` undefined deletes the matching elements. */
export interface ElementSetterOptions {
  readonly element?: YNode;
  readonly keys: readonly string[];
  readonly values: readonly string[];
}

/**
 * kyaml `ElementSetter`: replaces the elements of `list` whose `keys` fields hold `values` with `element` (or
 * deletes them), appending `element` when none matched. Like kyaml it drops null and empty-map elements on the
 * way, and when `values` is shorter than `keys` the missing comparisons reuse the previous one's outcome.
 */
export function setElement(list: YNode, options: ElementSetterOptions): YNode | undefined {
  const keys = options.keys.length === 0 ? [''] : options.keys;
  const { values, element } = options;
  checkKind(list, 'seq');
  const mappingSetter = keys[0] !== '' && values.length > 0 && values[0] !== '';
  const kept: YNode[] = [];
  let matched = false;
  for (const item of list.content) {
    if (!isPresent(item) || isEmptyMap(item)) continue;
    if (item.kind !== 'map' && mappingSetter) {
      kept.push(item);
      continue;
    }
    let found = true;
    let value: YNode | undefined;
    for (let j = 0; j < keys.length; j += 1) {
      if (j < values.length) value = matchFieldByString(item, keys[j] as string, values[j] as string);
      if (value === undefined) {
        found = false;
        break;
      }
    }
    if (!found) {
      if (values.length > 0) kept.push(item);
      continue;
    }
    matched = true;
    if (element === undefined) continue;
    kept.push(element);
  }
  list.content = kept;
  if (!isPresent(element)) return undefined;
  if (!matched) list.content.push(element);
  return element;
}

/**
 * kyaml `ElementMatcher` as `RNode.ElementList` uses it: the first element whose `keys` fields equal `values`
 * (text comparison; an empty key matches scalar elements by text). Errors read as "no match".
 */
export function findElement(
  list: YNode | undefined,
  keys: readonly string[],
  values: readonly string[],
): YNode | undefined {
  if (list === undefined || list.kind !== 'seq') return undefined;
  const k = keys.length === 0 ? [''] : keys;
  const v = values.length === 0 ? [''] : values;
  if (k[0] === '') return list.content.find((item) => item.value === v[0]);
  if (k.length !== v.length) return undefined;
  for (const item of list.content) {
    if (!isMissingOrNull(item) && item.kind !== 'map') continue;
    let matches = true;
    for (let i = 0; i < k.length; i += 1) {
      if (matchField(item, k[i] as string, scalarNode(v[i] as string)) === undefined) {
        matches = false;
        break;
      }
    }
    if (matches) return item;
  }
  return undefined;
}

/** `GetElementByKey`: the first map element that has field `key`, whatever its value. */
export function findElementWithKey(list: YNode, key: string): YNode | undefined {
  for (const item of list.content) {
    if (!isMissingOrNull(item) && item.kind !== 'map') continue;
    if (matchField(item, key) !== undefined) return item;
  }
  return undefined;
}

/**
 * kyaml `ElementValuesList`: for each element, the text of each key field ("" when the field is missing, null or
 * empty). A non-list yields nothing.
 */
export function elementValuesList(list: YNode | undefined, keys: readonly string[]): string[][] {
  if (list === undefined || list.kind !== 'seq') return [];
  return list.content.map((item) =>
    keys.map((key) => {
      const value = item.kind === 'map' ? fieldValue(item, key) : undefined;
      return isNilOrEmpty(value) ? '' : (value as YNode).value;
    }),
  );
}
