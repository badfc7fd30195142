import { effectiveNamespace, gvkSelected, type Gvk } from '../resource/res-id.js';
import type { ResMap } from '../resource/res-map.js';
import { BuildAnnotation, scalarText } from '../resource/resource.js';
import { NAME_SPECS } from './default-field-specs.js';
import { applyFieldSpec, setEntry, type FieldSpec } from './field-spec.js';

/** Which end of the name an affix goes on. */
export type AffixSide = 'prefix' | 'suffix';

/** Kinds whose names kustomize never prefixes or suffixes: their names are API contracts. */
const SKIPPED: readonly Partial<Gvk>[] = [
  { kind: 'CustomResourceDefinition' },
  { group: 'apiregistration.k8s.io', kind: 'APIService' },
  { kind: 'Namespace' },
];

/**
 * `namePrefix` / `nameSuffix`: renames every resource (except CRDs, APIServices and Namespaces), recording the
 * affix and the previous name so that references to the old name are updated later.
 */
export function transformNameAffix(
  map: ResMap,
  side: AffixSide,
  affix: string,
  specs: readonly FieldSpec[] = NAME_SPECS,
): void {
  if (affix === '') return;
  for (const resource of map.resources) {
    const orgGvk = resource.orgId().gvk;
    if (SKIPPED.some((skip) => gvkSelected(orgGvk, skip))) continue;
    for (const spec of specs) {
      if (!gvkSelected(orgGvk, spec)) continue;
      if (spec.path === 'metadata/name') {
        resource.appendCsvAnnotation(side === 'prefix' ? BuildAnnotation.prefixes : BuildAnnotation.suffixes, affix);
        resource.storePreviousId(effectiveNamespace(resource.curId()));
      }
      applyFieldSpec(
        resource,
        spec,
        (slot) => {
          const current = scalarText(slot.get());
          setEntry(slot, '', side === 'prefix' ? `${affix}${current}` : `${current}${affix}`);
        },
        'scalar',
      );
    }
  }
}
