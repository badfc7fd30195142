import { KustomizeFailure } from '../../errors.js';
import { resIdEquals, resIdString } from '../../resource/res-id.js';
import type { ResMap } from '../../resource/res-map.js';
import { ALL_BUILD_ANNOTATIONS, BuildAnnotation, scalarText, type Resource } from '../../resource/resource.js';
import { isJsonObject, type JsonObject } from '../../yaml/json-value.js';
import { base64Lines } from './generate.js';

const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

/**
 * Adds a generated resource to the map the way kustomize does: `create` (or no behavior) appends it; `merge` and
 * `replace` combine it with the existing resource of the same id (by any of its names) and take that one's place.
 */
export function absorbGenerated(map: ResMap, generated: Resource): void {
  const id = generated.curId();
  const matches = map.byAnyId((other) => resIdEquals(other, id));
  const behavior = generated.behavior();
  if (matches.length === 0) {
    if (behavior === 'merge' || behavior === 'replace') {
      throw new KustomizeFailure('generator-failed', `id ${resIdString(id)} does not exist; cannot merge or replace`);
    }
    map.append(generated);
    return;
  }
  if (matches.length > 1) {
    throw new KustomizeFailure(
      'generator-failed',
      `found multiple objects that could accept merge of ${resIdString(id)}`,
    );
  }
  const old = matches[0] as Resource;
  if (behavior === 'replace') {
    copyMergeMetadata(generated, old);
  } else if (behavior === 'merge') {
    const oldForData = generated.apiVersion === 'v1' && generated.kind === 'Secret' ? secretDataOf(old) : old;
    copyMergeMetadata(generated, old);
    // A merged object keeps where it was first configured (buildMetadata: [originAnnotations]), as in kustomize; a
    // replacement is configured where it replaces.
    const origin = old.getAnnotations()[ORIGIN_ANNOTATION];
    if (origin !== undefined) generated.setAnnotations({ ...generated.getAnnotations(), [ORIGIN_ANNOTATION]: origin });
    mergeStringMap(generated, oldForData, 'data');
    mergeStringMap(generated, old, 'binaryData');
  } else {
    throw new KustomizeFailure(
      'generator-failed',
      `id ${resIdString(id)} exists; behavior must be merge or replace (got '${behavior}')`,
    );
  }
  map.replace(old, generated);
}

/** kustomize's CopyMergeMetaDataFieldsFrom: labels and annotations merged (ours win), name and namespace theirs. */
function copyMergeMetadata(res: Resource, old: Resource): void {
  res.setLabels({ ...old.getLabels(), ...res.getLabels() });
  const ours = res.getAnnotations();
  const theirs = old.getAnnotations();
  const merged: Record<string, string> = { ...theirs, ...ours };
  // Build annotations come from the existing resource only: its name history and prefixes are what count.
  for (const key of ALL_BUILD_ANNOTATIONS) {
    const value = theirs[key];
    if (value !== undefined) merged[key] = value;
    else delete merged[key];
  }
  if (!(BuildAnnotation.needsHashSuffix in ours)) delete merged[BuildAnnotation.needsHashSuffix];
  res.setAnnotations(merged);
  res.setName(old.name);
  res.setNamespace(old.namespace);
}

function stringMapOf(resource: Resource, field: 'data' | 'binaryData'): Record<string, string> | undefined {
  const value = resource.obj[field];
  if (!isJsonObject(value)) return undefined;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scalarText(v)]));
}

function mergeStringMap(res: Resource, old: Resource, field: 'data' | 'binaryData'): void {
  const merged = { ...(stringMapOf(old, field) ?? {}), ...(stringMapOf(res, field) ?? {}) };
  delete res.obj[field];
  if (Object.keys(merged).length > 0) res.obj[field] = merged as JsonObject;
}

/** A Secret's data with its stringData folded in (base64), as the API server would store it. */
function secretDataOf(old: Resource): Resource {
  const copy = old.copy();
  const stringData = copy.obj['stringData'];
  if (isJsonObject(stringData)) {
    const data = isJsonObject(copy.obj['data']) ? copy.obj['data'] : {};
    for (const [k, v] of Object.entries(stringData)) {
      if (v !== null && typeof v === 'object') {
        throw new KustomizeFailure('generator-failed', `stringData value for key "${k}" must be a scalar`);
      }
      data[k] = base64Lines(new TextEncoder().encode(scalarText(v)));
    }
    copy.obj['data'] = data;
  }
  delete copy.obj['stringData'];
  return copy;
}
