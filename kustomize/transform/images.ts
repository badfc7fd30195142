import { KustomizeFailure } from '../errors.js';
import type { ResMap } from '../resource/res-map.js';
import { isJsonObject, type JsonValue } from '../yaml/json-value.js';
import { IMAGE_SPECS } from './default-field-specs.js';
import { applyFieldSpec, setEntry, type FieldSpec, type Slot } from './field-spec.js';

/** One `images:` entry. */
export interface ImageRule {
  readonly name?: string | null;
  readonly newName?: string | null;
  readonly newTag?: string | null;
  readonly digest?: string | null;
  readonly tagSuffix?: string | null;
}

/** The matcher of each rule name met before (null: not a valid expression), compiled once rather than per image. */
const imagePatterns = new Map<string, RegExp | null>();

/** kustomize's image matcher: the rule's name (used as a regular expression, as kustomize does) plus tag/digest. */
export function imageMatches(image: string, name: string): boolean {
  let pattern = imagePatterns.get(name);
  if (pattern === undefined) {
    try {
      pattern = new RegExp(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{}-]*)?$`);
    } catch {
      pattern = null;
    }
    // Names come from the repositories a long-running worker renders; it keeps at most this many.
    if (imagePatterns.size >= 4096) imagePatterns.clear();
    imagePatterns.set(name, pattern);
  }
  return pattern !== null && pattern.test(image);
}

/** Splits `registry:5000/app:1.2@sha256:...` into name, tag and digest the way kustomize does. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let slash = image.indexOf('/');
  const search = slash > 0 ? image.slice(slash) : image;
  if (slash <= 0) slash = 0;
  let at = search.indexOf('@');
  let colon = search.indexOf(':');
  if (colon < 0 && at < 0) return { name: image, tag: '', digest: '' };
  if (at >= 0 && (at < colon || colon < 0)) {
    at += slash;
    return { name: image.slice(0, at), tag: '', digest: image.slice(at + 1) };
  }
  if (at >= 0 && colon >= 0) {
    at += slash;
    colon += slash;
    return { name: image.slice(0, colon), tag: image.slice(colon + 1, at), digest: image.slice(at + 1) };
  }
  colon += slash;
  return { name: image.slice(0, colon), tag: image.slice(colon + 1), digest: '' };
}

/** The image reference a rule turns `image` into, or undefined when the rule does not apply to it. */
export function rewriteImage(image: string, rule: ImageRule): string | undefined {
  if (!imageMatches(image, rule.name ?? '')) return undefined;
  let { name, tag, digest } = splitImage(image);
  if (rule.newName) name = rule.newName;
  if (rule.newTag && rule.digest) {
    tag = rule.newTag;
    digest = rule.digest;
  } else if (rule.newTag) {
    tag = rule.newTag;
    digest = '';
  } else if (rule.digest) {
    tag = '';
    digest = rule.digest;
  } else if (rule.tagSuffix) {
    tag += rule.tagSuffix;
    digest = '';
  }
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

function updateSlot(slot: Slot, rule: ImageRule): void {
  const value = slot.get();
  if (value !== null && typeof value === 'object') {
    throw new KustomizeFailure('transform-failed', `wrong node kind: expected ScalarNode for an image`);
  }
  if (typeof value !== 'string') return;
  const next = rewriteImage(value, rule);
  if (next !== undefined) setEntry(slot, '', next);
}

/**
 * `images:`. Like kustomize, two passes per rule: first every `containers`/`initContainers` list anywhere in the
 * object (so CRDs embedding pod specs are covered), then the configured image fields.
 */
export function transformImages(
  map: ResMap,
  rules: readonly ImageRule[],
  specs: readonly FieldSpec[] = IMAGE_SPECS,
): void {
  for (const rule of rules) {
    for (const resource of map.resources) {
      if (resource.kind === 'CustomResourceDefinition') continue;
      visitContainerLists(resource.obj, rule);
    }
    for (const resource of map.resources) {
      if (resource.kind === 'CustomResourceDefinition') continue;
      for (const spec of specs) applyFieldSpec(resource, spec, (slot) => updateSlot(slot, rule));
    }
  }
}

function visitContainerLists(node: JsonValue | undefined, rule: ImageRule): void {
  if (Array.isArray(node)) {
    for (const item of node) visitContainerLists(item, rule);
    return;
  }
  if (!isJsonObject(node)) return;
  for (const key in node) {
    const value = node[key];
    visitContainerLists(value, rule);
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      for (const container of value) {
        if (isJsonObject(container) && Object.hasOwn(container, 'image')) {
          updateSlot({ get: () => container['image'], set: (v) => (container['image'] = v) }, rule);
        }
      }
    }
  }
}
