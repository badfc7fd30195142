import { KustomizeFailure } from '../errors.js';
import { gvkSelected, gvkString } from '../resource/res-id.js';
import type { ResMap } from '../resource/res-map.js';
import { REPLICA_SPECS } from './default-field-specs.js';
import { applyFieldSpec, setEntry, type FieldSpec } from './field-spec.js';

/** One `replicas:` entry. */
export interface ReplicaRule {
  readonly name?: string | null;
  readonly count: number;
}

/**
 * `replicas:`: sets spec.replicas on the workloads with that name (by current or any previous name). A name that
 * matches no workload is an error, as in kustomize.
 */
export function transformReplicas(map: ResMap, rule: ReplicaRule, specs: readonly FieldSpec[] = REPLICA_SPECS): void {
  let found = false;
  for (const spec of specs) {
    const matches = map.byAnyId((id) => id.name === (rule.name ?? '') && gvkSelected(id.gvk, spec));
    if (matches.length === 0) continue;
    found = true;
    for (const resource of matches) {
      applyFieldSpec(resource, spec, (slot) => setEntry(slot, '', rule.count), 'scalar');
    }
  }
  if (!found) {
    const gvks = specs.map((s) => gvkString({ group: s.group ?? '', version: s.version ?? '', kind: s.kind ?? '' }));
    throw new KustomizeFailure(
      'transform-failed',
      `resource with name ${rule.name ?? ''} does not match a config with the following GVK [${gvks.join(' ')}]`,
    );
  }
}
