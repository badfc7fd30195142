import type { ResMap } from '../resource/res-map.js';
import { VOLUME_CLAIM_TEMPLATE_LABEL_SPECS } from './default-field-specs.js';
import { applyFieldSpec, setEntry, type FieldSpec } from './field-spec.js';
import { DEFAULT_TRANSFORMER_CONFIG, mergeFieldSpecs, type TransformerConfig } from './transformer-config.js';

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

/** The fields a `labels:` entry writes to, as kustomize composes them from the transformer configuration. */
export function labelFieldSpecs(
  entry: LabelsEntry,
  config: TransformerConfig = DEFAULT_TRANSFORMER_CONFIG,
): FieldSpec[] {
  let specs: FieldSpec[] = [...(entry.fields ?? [])];
  if (entry.includeSelectors) return mergeFieldSpecs(mergeFieldSpecs(specs, config.commonLabels), config.labels);
  if (entry.includeTemplates) specs = mergeFieldSpecs(specs, config.templateLabels);
  if (entry.includeVolumeClaimTemplates) specs = mergeFieldSpecs(specs, VOLUME_CLAIM_TEMPLATE_LABEL_SPECS);
  return mergeFieldSpecs(mergeFieldSpecs(specs, [{ path: 'metadata/labels', create: true }]), config.labels);
}

/** `labels:` entries, then `commonLabels:` (which always includes selectors). */
export function transformLabels(
  map: ResMap,
  entries: readonly LabelsEntry[],
  commonLabels: Readonly<Record<string, string>>,
  config: TransformerConfig = DEFAULT_TRANSFORMER_CONFIG,
): void {
  for (const entry of entries) setMapEntries(map, entry.pairs, labelFieldSpecs(entry, config));
  setMapEntries(map, commonLabels, config.commonLabels);
}

/** `commonAnnotations:`. */
export function transformAnnotations(
  map: ResMap,
  annotations: Readonly<Record<string, string>>,
  specs: readonly FieldSpec[] = DEFAULT_TRANSFORMER_CONFIG.commonAnnotations,
): void {
  setMapEntries(map, annotations, specs);
}
