/**
 * kustomize `replacements`: copy a value from one field of one object (or a literal `sourceValue`) into fields of
 * the objects the targets select. Follows kustomize's replacement filter:
 * - the source must be exactly one object, matched exactly (not by regex) by group/version/kind/name/namespace
 *   against its current or earlier identities; `fieldPath` defaults to `metadata.name`;
 * - targets select with anchored regexes against each current or earlier identity (namespace as written), and
 *   `reject` removes objects; label and annotation selectors apply to `select` and to each `reject`;
 * - a scalar target keeps its own type (a number field receiving "3" stays a number), other targets take the
 *   source node whole; `options.delimiter`/`index` pick or replace one part of a delimited string;
 * - without `options.create` a missing target field is an error, with it the path is created.
 */
import { ReplacementError, SelectorError } from './errors.js';
import type { ReplacementReason } from './errors.js';
import { matchPath, lookup, splitFieldPath } from './field-path.js';
import type { JsonObject } from './json.js';
import { compileSelectorPattern } from './select-targets.js';
import type { TargetSelector } from './select-targets.js';
import { parseLabelSelector } from './label-selector.js';
import { allIds, annotationsOf, labelsOf } from './res-id.js';
import type { ResId } from './res-id.js';
import { descendDetached, setInStructuredData } from './structured-data.js';
import {
  fromJson,
  getValue,
  isNilOrEmpty,
  nodeToObject,
  resolveTag,
  scalarNode,
  setYNode,
  TAG_STR,
} from './yaml-node.js';
import type { NodeKind, YNode } from './yaml-node.js';

/** kustomize `FieldOptions`. */
export interface FieldOptions {
  readonly delimiter?: string;
  readonly index?: number;
  /** Accepted and ignored, as kustomize ignores it. */
  readonly encoding?: string;
  readonly create?: boolean;
}

/** Where a replacement reads its value. */
export interface ReplacementSource {
  readonly group?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  /** Defaults to `metadata.name`. */
  readonly fieldPath?: string;
  readonly options?: FieldOptions;
}

/** Where a replacement writes its value. */
export interface ReplacementTarget {
  readonly select?: TargetSelector;
  readonly reject?: readonly TargetSelector[];
  /** Defaults to `[metadata.name]`. */
  readonly fieldPaths?: readonly string[];
  readonly options?: FieldOptions;
}

/** One entry of a kustomization's `replacements` (already loaded when it was given by `path`). */
export interface Replacement {
  readonly source?: ReplacementSource;
  readonly sourceValue?: string;
  readonly targets?: readonly ReplacementTarget[];
}

const DEFAULT_FIELD_PATH = 'metadata.name';

function fail(reason: ReplacementReason, index: number, message: string): never {
  throw new ReplacementError(reason, index, message);
}

/** kustomize's `ResId.String()`: `Kind.version.group/name.namespace` with placeholders. */
function describeId(id: Partial<ResId>): string {
  const or = (value: string | undefined, placeholder: string) =>
    value === undefined || value === '' ? placeholder : value;
  return `${or(id.kind, '[noKind]')}.${or(id.version, '[noVer]')}.${or(id.group, '[noGrp]')}/${or(id.name, '[noName]')}.${or(id.namespace, '[noNs]')}`;
}

function describeOptions(options: FieldOptions | undefined): string {
  if (options === undefined || ((options.delimiter ?? '') === '' && options.create !== true)) return '';
  return `${options.delimiter ?? ''}(${options.index ?? 0}), create=${options.create === true}`;
}

function describeSource(source: ReplacementSource): string {
  const parts = [describeId(source)];
  if ((source.fieldPath ?? '') !== '') parts.push(source.fieldPath as string);
  const options = describeOptions(source.options);
  if (options !== '') parts.push(options);
  return parts.join(':');
}

const effective = (namespace: string) => (namespace === '' ? 'default' : namespace);

/** kyaml `ResId.IsSelectedBy`: exact comparison, namespaces as effective namespaces. */
function isSelectedBy(id: ResId, selector: ReplacementSource): boolean {
  const same = (wanted: string | undefined, actual: string) => (wanted ?? '') === '' || wanted === actual;
  return (
    same(selector.name, id.name) &&
    ((selector.namespace ?? '') === '' || effective(selector.namespace as string) === effective(id.namespace)) &&
    same(selector.group, id.group) &&
    same(selector.version, id.version) &&
    same(selector.kind, id.kind)
  );
}

/** An object being worked on; `object` reads its current state (identities and labels change as values land). */
interface Resource {
  readonly node: YNode;
  readonly object: JsonObject;
}

function snapshot(node: YNode): Resource {
  return { node, object: nodeToObject(node) ?? {} };
}

function findSource(resources: readonly Resource[], source: ReplacementSource, index: number): Resource {
  const matches = resources.filter((resource) => allIds(resource.object).some((id) => isSelectedBy(id, source)));
  if (matches.length > 1) fail('multiple-sources', index, `multiple matches for selector ${describeSource(source)}`);
  const [match] = matches;
  if (match === undefined) fail('no-source', index, `nothing selected by ${describeSource(source)}`);
  return match;
}

function sourceValue(resources: readonly Resource[], replacement: Replacement, index: number): YNode {
  if (replacement.sourceValue !== undefined && replacement.source !== undefined) {
    fail('invalid-replacement', index, 'value and resource selectors are mutually exclusive');
  }
  if (replacement.sourceValue !== undefined) return scalarNode(replacement.sourceValue);
  const source = replacement.source as ReplacementSource;
  const { node } = findSource(resources, source, index);
  const fieldPath = (source.fieldPath ?? '') === '' ? DEFAULT_FIELD_PATH : (source.fieldPath as string);
  let found: YNode | undefined;
  try {
    found = lookup(node, splitFieldPath(fieldPath));
  } catch (error) {
    fail('invalid-field-path', index, `error looking up replacement source: ${(error as Error).message}`);
  }
  if (isNilOrEmpty(found)) {
    fail(
      'missing-source-field',
      index,
      `fieldPath \`${fieldPath}\` is missing for replacement source ${describeId(source)}`,
    );
  }
  return refine(source.options, found as YNode, index);
}

/** Picks one part of a delimited source value. */
function refine(options: FieldOptions | undefined, node: YNode, index: number): YNode {
  const delimiter = options?.delimiter ?? '';
  if (delimiter === '') return node;
  if (node.kind !== 'scalar') fail('invalid-options', index, 'delimiter option can only be used with scalar nodes');
  const parts = getValue(node).split(delimiter);
  const at = options?.index ?? 0;
  if (at >= parts.length || at < 0) {
    fail('invalid-options', index, `options.index ${at} is out of bounds for value ${getValue(node)}`);
  }
  return { ...structuredClone(node), value: parts[at] as string };
}

/** kustomize `setFieldValue`. */
function setFieldValue(options: FieldOptions | undefined, target: YNode, value: YNode): void {
  const copy = structuredClone(value);
  const delimiter = options?.delimiter ?? '';
  if (delimiter !== '') {
    if (target.kind !== 'scalar') throw new Error('delimiter option can only be used with scalar nodes');
    const parts = target.value.split(delimiter);
    const text = getValue(copy);
    const at = options?.index ?? 0;
    if (at < 0) parts.unshift(text);
    else if (at >= parts.length) parts.push(text);
    else parts[at] = text;
    copy.value = parts.join(delimiter);
  }
  // A scalar target keeps its tag and takes only the text, so "3" into a number field stays a number.
  if (target.kind === 'scalar') {
    checkDecodable(target.tag, copy.value);
    target.value = copy.value;
  } else {
    setYNode(target, copy);
  }
}

/** Thrown when a scalar target's type cannot hold the new text. */
class TypeMismatch extends Error {}

/**
 * kustomize keeps a scalar target's tag, and fails when the object is printed if the new text cannot be read as
 * that type (`abc` into an `!!int`); an integer is acceptable where a float was. Reported here, at the source.
 */
function checkDecodable(tag: string, text: string): void {
  if (tag === '' || tag === TAG_STR) return;
  const resolved = resolveTag(text);
  if (resolved === tag || (tag === '!!float' && resolved === '!!int')) return;
  throw new TypeMismatch(`map[string]interface {}(nil): yaml: cannot decode ${resolved} \`${text}\` as a ${tag}`);
}

function fieldError(fieldPath: string, create: boolean): string {
  return create
    ? `unable to find or create field "${fieldPath}" in replacement target`
    : `unable to find field "${fieldPath}" in replacement target`;
}

function copyToTarget(target: YNode, value: YNode, selector: ReplacementTarget, index: number): void {
  const fieldPaths =
    selector.fieldPaths === undefined || selector.fieldPaths.length === 0 ? [DEFAULT_FIELD_PATH] : selector.fieldPaths;
  const create: NodeKind | undefined = selector.options?.create === true ? value.kind : undefined;
  for (const fieldPath of fieldPaths) {
    const set = (field: YNode) => setFieldValue(selector.options, field, value);
    if (setInStructuredData(target, fieldPath, create, set)) continue;
    let fields: YNode[];
    try {
      fields = matchPath(target, splitFieldPath(fieldPath), create, descendDetached);
    } catch (error) {
      fail(
        'missing-target-field',
        index,
        `${fieldError(fieldPath, create !== undefined)}: ${(error as Error).message}`,
      );
    }
    if (fields.length === 0) fail('missing-target-field', index, fieldError(fieldPath, create !== undefined));
    for (const field of fields) {
      try {
        set(field);
      } catch (error) {
        fail(error instanceof TypeMismatch ? 'type-mismatch' : 'invalid-options', index, (error as Error).message);
      }
    }
  }
}

interface CompiledIdSelector {
  readonly selector: TargetSelector;
  readonly patterns: Record<'group' | 'version' | 'kind' | 'name' | 'namespace', RegExp | undefined>;
}

function compileIds(selector: TargetSelector, index: number): CompiledIdSelector {
  try {
    return {
      selector,
      patterns: {
        group: compileSelectorPattern('group', selector.group ?? ''),
        version: compileSelectorPattern('version', selector.version ?? ''),
        kind: compileSelectorPattern('kind', selector.kind ?? ''),
        name: compileSelectorPattern('name', selector.name ?? ''),
        namespace: compileSelectorPattern('namespace', selector.namespace ?? ''),
      },
    };
  } catch (error) {
    if (error instanceof SelectorError)
      fail('invalid-replacement', index, `error creating target selector: ${error.message}`);
    throw error;
  }
}

/** kustomize `SelectorRegex` on one identity: namespace compared as written (not as effective namespace). */
function idMatches(compiled: CompiledIdSelector, id: ResId): boolean {
  const test = (pattern: RegExp | undefined, value: string) => pattern === undefined || pattern.test(value);
  const { patterns } = compiled;
  return (
    test(patterns.group, id.group) &&
    test(patterns.version, id.version) &&
    test(patterns.kind, id.kind) &&
    test(patterns.name, id.name) &&
    test(patterns.namespace, id.namespace)
  );
}

const hasId = (selector: TargetSelector) =>
  [selector.group, selector.version, selector.kind, selector.name, selector.namespace].some((v) => (v ?? '') !== '');

function labelsAndAnnotationsMatch(object: JsonObject, selector: TargetSelector): boolean {
  return (
    parseLabelSelector(selector.annotationSelector ?? '', 'annotationSelector').matches(annotationsOf(object)) &&
    parseLabelSelector(selector.labelSelector ?? '', 'labelSelector').matches(labelsOf(object))
  );
}

/** kustomize's target filter: select's label/annotation selectors, then each reject's, then the identities. */
function isTarget(
  resource: Resource,
  target: ReplacementTarget,
  select: CompiledIdSelector,
  rejects: CompiledIdSelector[],
) {
  const { object } = resource;
  if (!labelsAndAnnotationsMatch(object, target.select as TargetSelector)) return false;
  for (const reject of target.reject ?? []) {
    if ((reject.annotationSelector ?? '') === '' && (reject.labelSelector ?? '') === '') continue;
    if (labelsAndAnnotationsMatch(object, reject)) return false;
  }
  const ids = allIds(object);
  // A reject's identity fields and its label selectors reject independently, as in kustomize.
  if (rejects.some((reject) => hasId(reject.selector) && ids.some((id) => idMatches(reject, id)))) return false;
  return ids.some((id) => idMatches(select, id));
}

/**
 * Applies replacements to a set of objects, in order (a later replacement sees the earlier ones' results).
 *
 * @param objects every object of the build (not modified); build annotations, if present, give earlier
 *   identities as kustomize's do.
 * @returns new objects, in the same order.
 * @throws ReplacementError naming the replacement (by index) and what failed, worded as kustomize words it.
 */
export function applyReplacements(objects: readonly JsonObject[], replacements: readonly Replacement[]): JsonObject[] {
  const nodes = objects.map((object) => fromJson(object));
  replacements.forEach((replacement, index) => {
    if (
      (replacement.sourceValue === undefined && replacement.source === undefined) ||
      replacement.targets === undefined
    ) {
      fail('invalid-replacement', index, 'replacements must specify a source and at least one target');
    }
    const value = sourceValue(nodes.map(snapshot), replacement, index);
    for (const target of replacement.targets) {
      if (target.select === undefined) fail('invalid-replacement', index, 'target must specify resources to select');
      const select = compileIds(target.select, index);
      const rejects = (target.reject ?? []).map((reject) => compileIds(reject, index));
      for (const node of nodes) {
        let selected: boolean;
        try {
          selected = isTarget(snapshot(node), target, select, rejects);
        } catch (error) {
          if (error instanceof SelectorError) fail('invalid-replacement', index, error.message);
          throw error;
        }
        if (selected) copyToTarget(node, value, target, index);
      }
    }
  });
  return nodes.map((node) => nodeToObject(node) ?? {});
}
