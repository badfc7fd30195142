import { KustomizeFailure } from '../errors.js';
import type { ResMap } from '../resource/res-map.js';
import {
  COMMON_ANNOTATION_SPECS,
  COMMON_LABEL_SPECS,
  METADATA_LABEL_SPECS,
  VOLUME_CLAIM_TEMPLATE_LABEL_SPECS,
} from './default-field-specs.js';
import { applyFieldSpec, setEntry, type FieldSpec } from './field-spec.js';

/** One `labels:` entry of a kustomization. */
export interface LabelsEntry {
  readonly pairs: Readonly<Record<string, string>>;
  readonly includeSelectors?: boolean;
  readonly includeTemplates?: boolean;
  readonly includeVolumeClaimTemplates?: boolean;
  readonly fields?: readonly FieldSpec[];
}

/** Sets every key/value pair at every field the specs reach (creating maps where a spec says so). */
export function setMapEntries(map: ResMap, pairs: Readonly<Record<string, string>>, specs: readonly FieldSpec[]): void {
  const keys = Object.keys(pairs).sort();
  if (keys.length === 0) return;
  for (const resource of map.resources) {
    for (const key of keys) {
      for (const spec of specs) {
        applyFieldSpec(resource, spec, (slot) => setEntry(slot, key, pairs[key] ?? ''), 'map');
      }
    }
  }
}

/** The fields a `labels:` entry writes to, as kustomize composes them. */
export function labelFieldSpecs(entry: LabelsEntry): FieldSpec[] {
  let specs: FieldSpec[] = [...(entry.fields ?? [])];
  if (entry.includeSelectors) return mergeFieldSpecs(specs, COMMON_LABEL_SPECS);
  if (entry.includeTemplates) specs = mergeFieldSpecs(specs, METADATA_LABEL_SPECS);
  if (entry.includeVolumeClaimTemplates) specs = mergeFieldSpecs(specs, VOLUME_CLAIM_TEMPLATE_LABEL_SPECS);
  return mergeFieldSpecs(specs, [{ path: 'metadata/labels', create: true }]);
}

/** `labels:` entries, then `commonLabels:` (which always includes selectors). */
export function transformLabels(
  map: ResMap,
  entries: readonly LabelsEntry[],
  commonLabels: Readonly<Record<string, string>>,
): void {
  for (const entry of entries) setMapEntries(map, entry.pairs, labelFieldSpecs(entry));
  setMapEntries(map, commonLabels, COMMON_LABEL_SPECS);
}

/** `commonAnnotations:`. */
export function transformAnnotations(map: ResMap, annotations: Readonly<Record<string, string>>): void {
  setMapEntries(map, annotations, COMMON_ANNOTATION_SPECS);
}

/**
 * kustomize's FsSlice.MergeAll: appends specs whose path and group/version/kind are not already covered; a covered
 * one that disagrees on `create` is an error.
 */
export function mergeFieldSpecs(existing: readonly FieldSpec[], incoming: readonly FieldSpec[]): FieldSpec[] {
  const result = [...existing];
  for (const spec of incoming) {
    const same = result.find(
      (s) =>
        s.path === spec.path &&
        (!spec.group || spec.group === s.group) &&
        (!spec.version || spec.version === s.version) &&
        (!spec.kind || spec.kind === s.kind),
    );
    if (same === undefined) result.push(spec);
    else if ((same.create === true) !== (spec.create === true)) {
      throw new KustomizeFailure('invalid-kustomization', 'conflicting fieldspecs');
    }
  }
  return result;
}
