/**
 * kustomize's strategic merge: kyaml's `walk.Walker` driving the `merge2.Merger` visitor, with the options
 * kustomize's patch filter sets (list items from the patch are prepended; merge keys are never inferred, so a list
 * without schema is replaced wholesale).
 *
 * Sources are always `[dest, origin]`: the object being patched and the patch. Returning undefined means "clear
 * this field" (kyaml's `ClearNode`). Nodes of `dest` are edited in place, as kyaml does; callers pass copies.
 */
import { checkKind, elementValuesList, findElement, setElement } from './node-filters.js';
import { elementsCursor, fieldCursor, listBehaviourAt, rootCursor } from './schema-cursor.js';
import type { SchemaCursor } from './schema-cursor.js';
import { takeDirective } from './smp-directive.js';
import type { MergeKeyTable } from './merge-key-table.js';
import {
  clearField,
  fieldNames,
  fieldValue,
  isEmptyMap,
  isMissingOrNull,
  isNilOrEmpty,
  isPresent,
  isTaggedNull,
  scalarNode,
  seqNode,
  setField,
  TAG_NULL,
  TAG_STR,
} from './yaml-node.js';
import type { NodeKind, YNode } from './yaml-node.js';

type Sources = [dest: YNode | undefined, origin: YNode | undefined];

export class MergeWalker {
  constructor(private readonly table: MergeKeyTable) {}

  /** Merges `origin` into `dest` at `path` with the schema at `cursor`. */
  walk(sources: Sources, cursor: SchemaCursor | undefined, path: string): YNode | undefined {
    const schema = cursor ?? this.schemaFromMeta(sources);
    switch (kindOf(sources)) {
      case 'map':
        sources.forEach((source) => checkKind(source, 'map', path));
        return this.walkMap(sources, schema, path);
      case 'seq':
        sources.forEach((source) => checkKind(source, 'seq', path));
        return listBehaviourAt(schema).associative
          ? this.walkAssociativeList(sources, schema, path)
          : visitList(sources, false, path);
      case 'scalar':
        sources.forEach((source) => checkKind(source, 'scalar', path));
        return sources[1] ?? sources[0];
      case undefined:
        return this.walkMap(sources, schema, path);
    }
  }

  /**
   * Without a schema, kyaml looks for one by the `apiVersion` and `kind` fields of the node itself (the object
   * first, then the patch): an embedded object of a known kind is merged with that kind's keys.
   */
  private schemaFromMeta(sources: Sources): SchemaCursor | undefined {
    for (const source of sources) {
      if (!isPresent(source) || source.kind !== 'map') continue;
      const apiVersion = fieldValue(source, 'apiVersion');
      const kind = fieldValue(source, 'kind');
      if (isNilOrEmpty(apiVersion) || isNilOrEmpty(kind)) continue;
      const cursor = rootCursor(this.table, (apiVersion as YNode).value, (kind as YNode).value);
      if (cursor !== undefined) return cursor;
    }
    return undefined;
  }

  private walkMap(sources: Sources, cursor: SchemaCursor | undefined, path: string): YNode | undefined {
    const dest = visitMap(sources, path);
    sources[0] = dest;
    if (dest === undefined) return undefined;
    const names = [...new Set([...fieldNames(sources[0]), ...fieldNames(sources[1])])].sort();
    for (const name of names) {
      const value = this.walk(
        [fieldValue(dest, name), fieldValue(sources[1], name)],
        fieldCursor(cursor, name),
        path === '' ? name : `${path}.${name}`,
      );
      // kyaml's FieldSetter: a cleared field, or a null that is not an explicit null of the object, goes away.
      if (value === undefined || (isTaggedNull(value) && value.keep !== true)) {
        if (dest.kind === 'map') clearField(dest, name);
      } else {
        checkKind(dest, 'map', path);
        setField(dest, name, value);
      }
    }
    return dest;
  }

  private walkAssociativeList(sources: Sources, cursor: SchemaCursor | undefined, path: string): YNode | undefined {
    const dest = visitList(sources, true, path);
    sources[0] = dest;
    if (dest === undefined) return undefined;
    const behaviour = listBehaviourAt(cursor);
    const keys = behaviour.associative ? [...behaviour.keys] : [];
    const values = elementValues(sources, keys);
    if (values.length > 0 || keys.length > 0) return this.setElements(sources, values, keys, dest, cursor, path);
    return this.setElements(sources, primitiveValues(sources), [''], dest, cursor, path);
  }

  /** kyaml `setAssociativeSequenceElements`, with list items from the patch prepended. */
  private setElements(
    sources: Sources,
    valuesList: string[][],
    keys: string[],
    dest: YNode,
    cursor: SchemaCursor | undefined,
    path: string,
  ): YNode | undefined {
    const toAdd = seqNode();
    const elementCursor = elementsCursor(cursor);
    if (keys.length > 1) mergeValues(valuesList);
    let validKeys: string[] = [];
    let validValues: string[] = [];
    for (const values of valuesList) {
      if (values.length === 0) continue;
      [validKeys, validValues] = validateKeys(valuesList, values, keys);
      const [elementKeys, elementValues] = validateKeys([validValues], validValues, validKeys);
      const value = this.walk(
        [findElement(sources[0], elementKeys, elementValues), findElement(sources[1], elementKeys, elementValues)],
        elementCursor,
        `${path}[]`,
      );
      let removed = false;
      validKeys.forEach((key, i) => {
        if (!isPresent(value) || isEmptyMap(value)) {
          setElement(dest, { keys: validKeys, values: validValues });
          removed = true;
        } else if (key !== '' && fieldValue(value, key) === undefined && validValues[i] !== '') {
          // kyaml writes the key back from its text; a new field set from text is quoted, so it reads as a string.
          // (For a list of scalars the "key" is the scalar itself, and rewriting it changes nothing.)
          checkKind(value, 'map', path);
          setField(value, key, scalarNode(validValues[i] as string, TAG_STR));
        }
      });
      if (removed || value === undefined) continue;
      setElement(toAdd, { element: value, keys: validKeys, values: validValues });
    }
    let result: YNode | undefined = dest;
    if (valuesList.length > 0) result = appendElements(toAdd, dest, validKeys);
    return isMissingOrNull(result) ? undefined : result;
  }
}

/** The node kind of the first source that is neither missing nor null (kyaml `Walker.Kind`). */
function kindOf(sources: Sources): NodeKind | undefined {
  return sources.find((source) => !isMissingOrNull(source))?.kind;
}

/** kyaml `Merger.VisitMap`. */
function visitMap(sources: Sources, path: string): YNode | undefined {
  const [dest, origin] = sources;
  if (isMissingOrNull(dest)) {
    let directive = 'merge';
    try {
      directive = takeDirective(origin, path);
    } catch {
      // kyaml ignores a directive it cannot read when the object has nothing here yet.
    }
    if (directive === 'delete') return undefined;
    // A null the object spells out is kept when the patch says nothing about it.
    if (origin === undefined && dest !== undefined && dest.value.length > 0) {
      return { kind: 'scalar', tag: TAG_NULL, value: dest.value, content: [], keep: true };
    }
    return origin;
  }
  if (isTaggedNull(origin)) return undefined;
  switch (takeDirective(origin, path)) {
    case 'delete':
      return undefined;
    case 'replace':
      return origin;
    default:
      return dest;
  }
}

/** kyaml `Merger.VisitList`: lists without merge keys take the patch's list whole. */
function visitList(sources: Sources, associative: boolean, path: string): YNode | undefined {
  const [dest, origin] = sources;
  if (!associative) return origin ?? dest;
  if (isMissingOrNull(dest)) return origin;
  if (isTaggedNull(origin)) return undefined;
  switch (takeDirective(origin, path)) {
    case 'delete':
      return undefined;
    case 'replace':
      return origin;
    default:
      return dest;
  }
}

/** Each element's key values, the patch's elements first, without repeats (kyaml `elementValues`, prepend mode). */
function elementValues(sources: Sources, keys: string[]): string[][] {
  const result: string[][] = [];
  const seen = new Set<string>();
  for (const source of [sources[1], sources[0]]) {
    if (source === undefined) continue;
    for (const values of elementValuesList(source, keys)) {
      const id = JSON.stringify(values);
      if (values.length === 0 || seen.has(id)) continue;
      result.push(values);
      seen.add(id);
    }
  }
  return result;
}

/** The distinct texts of a list of scalars (finalizers), the patch's first. */
function primitiveValues(sources: Sources): string[][] {
  const result: string[][] = [];
  const seen = new Set<string>();
  for (const source of [sources[1], sources[0]]) {
    if (source === undefined) continue;
    for (const item of source.content) {
      if (seen.has(item.value)) continue;
      result.push([item.value]);
      seen.add(item.value);
    }
  }
  return result;
}

/**
 * kyaml `mergeValues`: with several keys, two elements whose key values agree wherever both have one are the same
 * element (a port `80` and a port `80/TCP`), and both take the fuller set of values.
 */
function mergeValues(valuesList: string[][]): void {
  for (let i = 0; i < valuesList.length; i += 1) {
    const first = valuesList[i] as string[];
    for (let j = 0; j < valuesList.length; j += 1) {
      const merged = matchValues(first, valuesList[j] as string[]);
      if (merged !== undefined) {
        valuesList[i] = merged;
        valuesList[j] = merged;
      }
    }
  }
}

function matchValues(a: string[], b: string[]): string[] | undefined {
  if (a.length !== b.length) return undefined;
  let common = false;
  const result: string[] = [];
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) {
      common = true;
      result.push(x);
    } else if (x !== '' && y !== '') {
      return undefined;
    } else {
      result.push(x !== '' ? x : y);
    }
  }
  return common ? result : undefined;
}

/** kyaml `validateKeys`: drops the keys no element has a value for (all keys when none has any). */
function validateKeys(valuesList: string[][], values: string[], keys: string[]): [string[], string[]] {
  const valid = new Set<string>();
  for (const entry of valuesList) {
    entry.forEach((value, i) => {
      if (value !== '') valid.add(keys[i] as string);
    });
  }
  if (valid.size === 0) return [keys, values];
  return [
    keys.filter((key) => valid.has(key)),
    values.filter((value, i) => value !== '' || valid.has(keys[i] as string)),
  ];
}

/**
 * kyaml `appendListNode(dst, src, keys)`: every element of `src` replaces its match in `dst` or is appended. An
 * element lacking a key field is appended as is, and then set again with the values found so far, exactly as
 * kyaml does (which can drop other elements: that is what the CLI prints).
 */
function appendElements(dst: YNode, src: YNode, keys: string[]): YNode {
  for (const element of src.content) {
    if (keys[0] === '') {
      setElement(dst, { element, keys: [''], values: [element.value] });
      continue;
    }
    const values: string[] = [];
    for (const key of keys) {
      checkKind(element, 'map');
      const value = isPresent(element) ? fieldValue(element, key) : undefined;
      if (value === undefined) {
        checkKind(dst, 'seq');
        dst.content.push(element);
        continue;
      }
      values.push(value.value);
    }
    if (keys.length > 1) setElement(dst, { keys, values });
    setElement(dst, { element, keys, values });
  }
  return dst;
}
