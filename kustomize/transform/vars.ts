import { KustomizeFailure } from '../errors.js';
import type { VarSpec } from '../load/kustomization-schema.js';
import { lookup, splitFieldPath } from '../patch/field-path.js';
import { fromJson, toJson } from '../patch/yaml-node.js';
import { isClusterScoped, parseGroupVersion, type Gvk, type ResId } from '../resource/res-id.js';
import type { ResMap } from '../resource/res-map.js';
import type { Resource } from '../resource/resource.js';
import type { JsonValue } from '../yaml/json-value.js';
import { applyFieldSpec, type FieldSpec, type Slot } from './field-spec.js';

/**
 * `vars` (deprecated in kustomize v5 in favour of `replacements`, still common in older operator scaffolds): a var
 * names an object by its original id and a field of it; after every transformer and name reference has run,
 * `$(NAME)` in the fields of the varReference configuration is replaced with that field's value.
 */

const DEFAULT_FIELD_PATH = 'metadata.name';

/** A var as kustomize keeps it: its field path defaulted. */
export interface Var {
  readonly name: string;
  readonly gvk: Gvk;
  readonly objName: string;
  readonly namespace: string;
  readonly fieldPath: string;
}

/** Which resource each var reads from, recorded when the var's kustomization is done (kustomize's refVarNames). */
const boundVars = new WeakMap<Resource, string[]>();

function toVar(spec: VarSpec): Var {
  const ref = spec.objref;
  const gv = ref.apiVersion
    ? parseGroupVersion(ref.apiVersion)
    : { group: ref.group ?? '', version: ref.version ?? '' };
  return {
    name: spec.name,
    gvk: { group: gv.group, version: gv.version, kind: ref.kind ?? '' },
    objName: ref.name,
    namespace: ref.namespace ?? '',
    fieldPath: spec.fieldref?.fieldPath || spec.fieldref?.fieldpath || DEFAULT_FIELD_PATH,
  };
}

/** How kustomize prints a var in its errors: `{NAME Kind.version.group {fieldPath}}`. */
function describeVar(v: Var, fieldPath = v.fieldPath): string {
  const gvk = `${v.gvk.kind || '[noKind]'}.${v.gvk.version || '[noVer]'}.${v.gvk.group || '[noGrp]'}`;
  return `{${v.name} ${gvk} {${fieldPath}}}`;
}

function sameGvk(a: Gvk, b: Gvk): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

/**
 * kustomize's MergeVars, at the end of a kustomization: binds each of its vars to the one resource (by any of its
 * ids, exact group/version/kind and name; namespace too when the var gives one or the kind is cluster-scoped) and
 * adds them to the vars accumulated so far; a name seen twice, or a var matching two resources, is an error.
 */
export function mergeVars(map: ResMap, accumulated: readonly Var[], specs: readonly VarSpec[]): Var[] {
  const result = [...accumulated];
  for (const spec of specs) {
    const v = toVar(spec);
    const byNamespace = v.namespace !== '' || isClusterScoped(v.gvk);
    const matches = map.byAnyId(
      (id: ResId) =>
        id.name === v.objName && sameGvk(id.gvk, v.gvk) && (!byNamespace || (id.namespace || '') === v.namespace),
    );
    if (matches.length > 1) {
      throw new KustomizeFailure(
        'invalid-kustomization',
        `found ${matches.length} resId matches for var ${describeVar(v, spec.fieldref?.fieldPath || spec.fieldref?.fieldpath || '')} (unable to disambiguate)`,
      );
    }
    const [match] = matches;
    if (match !== undefined) boundVars.set(match, [...(boundVars.get(match) ?? []), v.name]);
  }
  return mergeVarLists(result, specs.map(toVar));
}

/** Adds vars, refusing a name already there (kustomize's VarSet.Merge). */
export function mergeVarLists(existing: readonly Var[], incoming: readonly Var[]): Var[] {
  const result = [...existing];
  for (const v of incoming) {
    if (result.some((other) => other.name === v.name)) {
      throw new KustomizeFailure('invalid-kustomization', `var '${v.name}' already encountered`);
    }
    result.push(v);
  }
  return result;
}

/** The value of each var, read from the resource it was bound to; a var that resolves to nothing is an error. */
function varValues(map: ResMap, vars: readonly Var[]): Map<string, JsonValue> {
  const values = new Map<string, JsonValue>();
  for (const v of [...vars].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const source = map.resources.find((r) => boundVars.get(r)?.includes(v.name));
    if (source === undefined) {
      throw new KustomizeFailure(
        'invalid-kustomization',
        `var '${describeVar(v)}' cannot be mapped to a field in the set of known resources`,
      );
    }
    let node;
    try {
      node = lookup(fromJson(source.obj), withSliceIndexes(splitFieldPath(v.fieldPath)));
    } catch {
      node = undefined;
    }
    if (node === undefined) {
      throw new KustomizeFailure(
        'invalid-kustomization',
        `field specified in var '${describeVar(v)}' not found in corresponding resource`,
      );
    }
    values.set(v.name, toJson(node));
  }
  return values;
}

/** kyaml's reading of `ports[0]` in a var's field path as the field `ports`, then the index `0`. */
function withSliceIndexes(parts: readonly string[]): string[] {
  return parts.flatMap((part) => {
    const m = /^(.*)\[(\d+)\]$/.exec(part);
    if (m === null) return [part];
    return m[1] ? [m[1], m[2] ?? ''] : [m[2] ?? ''];
  });
}

/** Go's `%v` of a var value written into the middle of a string. */
function asText(value: JsonValue): string {
  return typeof value === 'string' ? value : String(value);
}

/**
 * Kubernetes' `$(VAR)` expansion as kustomize applies it: `$$` is a literal `$`, an unknown or non-scalar var stays
 * as written, and a string that is exactly `$(VAR)` takes the var's value with its type (a port stays a number).
 */
export function expandVars(input: string, values: ReadonlyMap<string, JsonValue>): JsonValue {
  const scalar = (name: string): JsonValue | undefined => {
    const value = values.get(name);
    return value === undefined || value === null || typeof value === 'object' ? undefined : value;
  };
  const whole = /^\$\(([^)]*)\)$/.exec(input);
  if (whole !== null) return scalar(whole[1] ?? '') ?? input;
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i += 1;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
        i += 1;
        continue;
      }
      const name = input.slice(i + 2, close);
      const value = scalar(name);
      out += value === undefined ? `$(${name})` : asText(value);
      i = close;
    } else {
      out += `$${next}`;
      i += 1;
    }
  }
  return out;
}

/** Replaces `$(VAR)` in one field: a string, the string values of a map, or a list of strings. */
function expandSlot(slot: Slot, values: ReadonlyMap<string, JsonValue>): void {
  const node = slot.get();
  if (node === undefined || node === null) return;
  if (typeof node === 'string') slot.set(expandVars(node, values));
  else if (Array.isArray(node)) {
    node.forEach((item, i) => {
      if (typeof item !== 'string')
        throw new KustomizeFailure('transform-failed', 'invalid value type expect a string');
      node[i] = expandVars(item, values);
    });
  } else if (typeof node === 'object') {
    for (const [key, value] of Object.entries(node))
      if (typeof value === 'string') node[key] = expandVars(value, values);
  }
}

/** kustomize's ResolveVars: with any vars defined, expands them in every field the varReference specs reach. */
export function resolveVars(map: ResMap, vars: readonly Var[], varReference: readonly FieldSpec[]): void {
  const values = varValues(map, vars);
  if (values.size === 0) return;
  for (const resource of map.resources) {
    for (const spec of varReference) applyFieldSpec(resource, spec, (slot) => expandSlot(slot, values));
  }
}
