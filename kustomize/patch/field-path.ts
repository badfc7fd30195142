/**
 * Field paths of kustomize replacements (`spec.template.spec.containers.[name=app].image`), over the node tree:
 * kyaml's `SmarterPathSplitter` to split them, `PathGetter` to read a source field, and `PathMatcher` to find (and
 * with `create`, make) target fields. Their differences are kustomize's: a source path matches `[name=x]` exactly,
 * a target path matches it as an unanchored regular expression (`[name=app]` also hits `app-sidecar`), `*` is only
 * for targets, and a target path that runs into a scalar keeps going inside the scalar's YAML or JSON text.
 */
import { checkKind, findElement, matchField } from './node-filters.js';
import { isPresent, mapNode, scalarNode, seqNode, setField, toJson } from './yaml-node.js';
import type { NodeKind, YNode } from './yaml-node.js';

/** kyaml `PathSplitter` + `SmarterPathSplitter`: splits on `.` except after `\` or inside `[...=...]`. */
export function splitFieldPath(path: string, delimiter = '.'): string[] {
  let parts = path.split(delimiter);
  if (parts.length > 1 && parts[0] === '') parts = parts.slice(1);
  const joined: string[] = [parts[0] as string];
  for (const part of parts.slice(1)) {
    const last = joined[joined.length - 1] as string;
    if (last.endsWith('\\')) joined[joined.length - 1] = last.slice(0, -1) + delimiter + part;
    else joined.push(part);
  }
  const result: string[] = [];
  for (let i = 0; i < joined.length; i += 1) {
    const part = joined[i] as string;
    if (!part.startsWith('[') || part.endsWith(']')) {
      result.push(part);
      continue;
    }
    const bracketed = [part];
    while (i < joined.length - 1) {
      i += 1;
      bracketed.push(joined[i] as string);
      if ((joined[i] as string).endsWith(']')) break;
    }
    const text = bracketed.join(delimiter);
    result.push(text.includes('=') ? text : text.replace(/^\[+|\]+$/g, ''));
  }
  return result;
}

const isIndex = (part: string) => /^[+-]?[0-9]+$/.test(part) && Number.parseInt(part, 10) >= 0;
const isListIndex = (part: string) => part.startsWith('[') && part.endsWith(']');

/** `[name=value]` → `["name", "value"]`. */
function splitIndexNameValue(part: string): [string, string] {
  const inner = part.replace(/\]$/, '').replace(/^\[/, '');
  const equals = inner.indexOf('=');
  if (equals < 0) throw new Error('list path element must contain fieldName=fieldValue for element to match');
  return [inner.slice(0, equals), inner.slice(equals + 1)];
}

/**
 * kyaml `PathGetter` without create (`yaml.Lookup`): the node at `path`, or undefined.
 * @throws Error as kyaml does for a negative index, `*`, or a field looked up in a list.
 */
export function lookup(root: YNode, path: readonly string[]): YNode | undefined {
  let node: YNode | undefined = root;
  for (const part of path.map((p) => p.trim()).filter((p) => p !== '')) {
    if (node === undefined) return undefined;
    if (/^[+-]?[0-9]+$/.test(part)) {
      const index = Number.parseInt(part, 10);
      if (index < 0) throw new Error(`array index ${index} cannot be negative`);
      checkKind(node, 'seq');
      node = node.content[index];
    } else if (part === '-') {
      checkKind(node, 'seq');
      node = node.content[node.content.length - 1];
    } else if (part === '*') {
      throw new Error('wildcard is not supported in PathGetter');
    } else if (isListIndex(part)) {
      const [name, value] = splitIndexNameValue(part);
      checkKind(node, 'seq');
      node = findElement(node, [name], [value]);
    } else {
      node = matchField(node, part);
    }
  }
  return node;
}

/** What a created node is, by the path part after it (kyaml `getPathPartKind`). */
function kindFor(nextPart: string | undefined, last: NodeKind): NodeKind {
  if (nextPart === undefined || nextPart === '') return last;
  return isListIndex(nextPart) || isIndex(nextPart) ? 'seq' : 'map';
}

function newNode(kind: NodeKind): YNode {
  return kind === 'map' ? mapNode() : kind === 'seq' ? seqNode() : scalarNode('');
}

/**
 * A node's text as kyaml prints it alone, which is what `[field=regex]` is matched against: a string that would
 * read as something else is quoted (`"80"`), other scalars are their text, maps and lists are approximated by JSON.
 */
function printed(node: YNode): string {
  if (node.kind !== 'scalar') return JSON.stringify(toJson(node));
  if (node.tag === '!!str' && toJson({ ...node, tag: '' }) !== node.value) return JSON.stringify(node.value);
  return node.value;
}

/** Handles a path that continues inside a scalar: `(scalar, remaining path)` → matches inside its parsed text. */
export type ScalarDescent = (scalar: YNode, rest: readonly string[], create: NodeKind | undefined) => YNode[];

/**
 * kyaml `PathMatcher`: every node `path` leads to (a `[field=regex]` part can match several elements, `*` matches
 * every element). With `create`, missing maps, list elements and the final field (of kind `create`) are made.
 * @throws Error as kyaml does (a field in a list, an index past the end, a malformed `[...]`).
 */
export function matchPath(
  node: YNode,
  path: readonly string[],
  create: NodeKind | undefined,
  descend: ScalarDescent,
): YNode[] {
  const [part, ...rest] = path;
  if (part === undefined) return [node];
  if (isIndex(part)) {
    const index = Number.parseInt(part, 10);
    checkKind(node, 'seq');
    if (node.content.length === index && create !== undefined) node.content.push(newNode(kindFor(rest[0], create)));
    const element = node.content[index];
    if (element === undefined)
      throw new Error(`index ${index} specified but only ${node.content.length} elements found`);
    return matchPath(element, rest, create, descend);
  }
  if (isListIndex(part)) return matchElements(node, part, rest, create, descend);
  if (part === '*') {
    checkKind(node, 'seq');
    return node.content.flatMap((element) => matchPath(element, rest, create, descend));
  }
  let field = matchField(node, part);
  if (field === undefined) {
    if (create === undefined) return [];
    field = newNode(kindFor(rest[0], create));
    setField(node, part, field);
  }
  if (field.kind === 'scalar' && rest.length > 0) return descend(field, rest, create);
  return matchPath(field, rest, create, descend);
}

function matchElements(
  node: YNode,
  part: string,
  rest: readonly string[],
  create: NodeKind | undefined,
  descend: ScalarDescent,
): YNode[] {
  const [field, pattern] = splitIndexNameValue(part);
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (error) {
    throw new Error(`error parsing regexp: ${(error as Error).message}`);
  }
  checkKind(node, 'seq');
  const found: YNode[] = [];
  for (const element of node.content) {
    if (field === '') {
      if (regex.test(printed(element).trim())) found.push(element);
      continue;
    }
    if (!isPresent(element) || element.kind !== 'map') continue;
    const value = matchField(element, field);
    if (value === undefined || !regex.test(printed(value).trim())) continue;
    found.push(...matchPath(element, rest, create, descend));
  }
  if (found.length > 0 || create === undefined) return found;
  const created =
    field === '' ? scalarNode(pattern) : { ...mapNode(), content: [scalarNode(field, '!!str'), scalarNode(pattern)] };
  node.content.push(created);
  return matchElements(node, part, rest, create, descend);
}
