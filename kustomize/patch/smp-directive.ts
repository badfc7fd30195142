/**
 * The `$patch` directive of a strategic merge patch, read the way kyaml's merge2 reads it: on a map as a field, on
 * a list as an element `{$patch: <directive>}` with no other field. Reading it also removes it from the patch (kyaml
 * elides the directive in place), so it never reaches the merged object.
 *
 * kustomize's merge understands only `$patch`; the other directives of Kubernetes' strategic merge
 * (`$retainKeys`, `$setElementOrder/...`, `$deleteFromPrimitiveList/...`) are treated as ordinary fields.
 */
import { StrategicMergeError } from './errors.js';
import { findElementWithKey, setElement } from './node-filters.js';
import { clearField, fieldValue, toJson } from './yaml-node.js';
import type { YNode } from './yaml-node.js';

export type SmpDirective = 'merge' | 'replace' | 'delete' | 'unknown';

const DIRECTIVE_KEY = '$patch';

function parseDirective(value: string, path: string): Exclude<SmpDirective, 'unknown'> {
  if (value === 'delete' || value === 'replace' || value === 'merge') return value;
  throw new StrategicMergeError('unknown-directive', path, `unknown patch strategy '${value}'`);
}

function mapDirective(patch: YNode, path: string): SmpDirective {
  const node = fieldValue(patch, DIRECTIVE_KEY);
  if (node === undefined) return 'merge';
  const directive = parseDirective(node.value, path);
  clearField(patch, DIRECTIVE_KEY);
  return directive;
}

function listDirective(patch: YNode, path: string): SmpDirective {
  const element = findElementWithKey(patch, DIRECTIVE_KEY);
  // An element with more fields than `$patch` carries a directive for that element, not for the list.
  if (element === undefined || element.content.length > 2) return 'merge';
  const value = fieldValue(element, DIRECTIVE_KEY);
  if (value === undefined) return 'merge';
  const directive = parseDirective(value.value, path);
  setElement(patch, { keys: [DIRECTIVE_KEY], values: [value.value] });
  return directive;
}

/**
 * The directive on a patch node (merge when there is no patch node), removing it from the patch.
 * @throws StrategicMergeError for an unknown directive, or a directive looked up on a scalar.
 */
export function takeDirective(patch: YNode | undefined, path: string): SmpDirective {
  if (patch === undefined) return 'merge';
  switch (patch.kind) {
    case 'seq':
      return listDirective(patch, path);
    case 'map':
      return mapDirective(patch, path);
    case 'scalar': {
      const tag = patch.tag === '' ? '!!str' : patch.tag;
      throw new StrategicMergeError(
        'directive-on-scalar',
        path,
        `no implemented strategic merge patch strategy for '${tag}' ('${JSON.stringify(toJson(patch))}')`,
      );
    }
  }
}
