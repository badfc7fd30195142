/**
 * Patch target selection as kustomize does it (`patches[].target`, resWrangler.Select): group, version, kind,
 * name and namespace are regular expressions anchored at both ends (`name: web-.*`), an empty field matches
 * anything; name and namespace match either the object's original identity (before prefixes, suffixes and
 * namespace changes) or its current one; namespaces compare as kustomize's effective namespace (`default` for
 * none); `labelSelector` and `annotationSelector` use the Kubernetes selector grammar.
 */
import { SelectorError } from './errors.js';
import type { JsonObject } from './json.js';
import { parseLabelSelector } from './label-selector.js';
import type { LabelSelector } from './label-selector.js';
import { annotationsOf, builtinClusterScope, currentId, effectiveNamespace, labelsOf, previousIds } from './res-id.js';
import type { ClusterScopeOracle } from './res-id.js';

/** kustomize's `Selector`: every field optional; all given fields must match. */
export interface TargetSelector {
  readonly group?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly annotationSelector?: string;
}

type RegexField = 'group' | 'version' | 'kind' | 'name' | 'namespace';

/**
 * Compiles a kustomize selector pattern (RE2 syntax) anchored as kustomize anchors it. A leading `(?i)` is
 * honoured; other RE2-only syntax is not translated.
 */
export function compileSelectorPattern(field: RegexField, pattern: string): RegExp | undefined {
  if (pattern === '') return undefined;
  let body = pattern;
  let flags = '';
  const inline = /^\(\?([imsU]+)\)/.exec(body);
  if (inline !== null) {
    body = body.slice(inline[0].length);
    flags = [...new Set((inline[1] as string).replace(/U/g, '').split(''))].join('');
  }
  try {
    return new RegExp(`^(?:${body})$`, flags);
  } catch (error) {
    throw new SelectorError(field, pattern, `error parsing regexp: ${(error as Error).message}`);
  }
}

/** A selector compiled once, to test many objects. */
export interface CompiledSelector {
  readonly group?: RegExp;
  readonly version?: RegExp;
  readonly kind?: RegExp;
  readonly name?: RegExp;
  readonly namespace?: RegExp;
  readonly labels: LabelSelector;
  readonly annotations: LabelSelector;
}

function optional<T>(key: string, value: T | undefined): Record<string, T> {
  return value === undefined ? {} : { [key]: value };
}

/** Compiles a selector. @throws SelectorError for a bad pattern or label selector. */
export function compileSelector(selector: TargetSelector): CompiledSelector {
  return {
    ...optional('group', compileSelectorPattern('group', selector.group ?? '')),
    ...optional('version', compileSelectorPattern('version', selector.version ?? '')),
    ...optional('kind', compileSelectorPattern('kind', selector.kind ?? '')),
    ...optional('name', compileSelectorPattern('name', selector.name ?? '')),
    ...optional('namespace', compileSelectorPattern('namespace', selector.namespace ?? '')),
    labels: parseLabelSelector(selector.labelSelector ?? '', 'labelSelector'),
    annotations: parseLabelSelector(selector.annotationSelector ?? '', 'annotationSelector'),
  };
}

const test = (pattern: RegExp | undefined, value: string) => pattern === undefined || pattern.test(value);

/** Options of {@link selectTargets}. */
export interface SelectOptions {
  /** Which kinds are cluster-scoped; defaults to kustomize's embedded schema. */
  readonly scope?: ClusterScopeOracle;
}

/** Whether kustomize's patch target selection picks `object`. */
export function matchesTarget(object: JsonObject, selector: CompiledSelector, options: SelectOptions = {}): boolean {
  const scope = options.scope ?? builtinClusterScope;
  const current = currentId(object);
  const earlier = previousIds(object);
  // The original identity is rebuilt from annotations, without a scope lookup (as kustomize does).
  const original = earlier[0];
  const originalNamespace = original === undefined ? effectiveNamespace(current, scope) : effectiveNamespace(original);
  if (!test(selector.namespace, originalNamespace) && !test(selector.namespace, effectiveNamespace(current, scope))) {
    return false;
  }
  if (!test(selector.name, (original ?? current).name) && !test(selector.name, current.name)) return false;
  if (!test(selector.group, current.group) || !test(selector.version, current.version)) return false;
  if (!test(selector.kind, current.kind)) return false;
  return selector.labels.matches(labelsOf(object)) && selector.annotations.matches(annotationsOf(object));
}

/**
 * The objects a patch target selects, in their order.
 * @throws SelectorError for a bad pattern or label selector.
 */
export function selectTargets<T extends JsonObject>(
  objects: readonly T[],
  selector: TargetSelector,
  options: SelectOptions = {},
): T[] {
  const compiled = compileSelector(selector);
  return objects.filter((object) => matchesTarget(object, compiled, options));
}

/**
 * A selector spelled as kustomize prints it in errors (`Selector.String()`), e.g.
 * `Deployment.[noVer].apps/web.[noNs]:a=:l=app=web`, so that callers can word an error as the CLI does:
 * `unable to find patch target "<this>" in \`resources\`: <cause>`.
 */
export function describeSelector(selector: TargetSelector): string {
  const or = (value: string | undefined, placeholder: string) =>
    value === undefined || value === '' ? placeholder : value;
  const gvk = [or(selector.kind, '[noKind]'), or(selector.version, '[noVer]'), or(selector.group, '[noGrp]')].join('.');
  const id = `${gvk}/${or(selector.name, '[noName]')}.${or(selector.namespace, '[noNs]')}`;
  return `${id}:a=${selector.annotationSelector ?? ''}:l=${selector.labelSelector ?? ''}`;
}
