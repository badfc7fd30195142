import { KustomizeFailure } from '../errors.js';
import { effectiveNamespace, gvkSelected, isClusterScoped, resIdString, type Gvk } from '../resource/res-id.js';
import type { ResMap } from '../resource/res-map.js';
import { scalarText, type Resource } from '../resource/resource.js';
import { isJsonObject, type JsonObject } from '../yaml/json-value.js';
import { applyFieldSpec, type FieldSpec, type Slot } from './field-spec.js';
import { NAME_REFERENCES, type NameBackReference } from './name-reference-specs.js';

interface PendingUpdate {
  readonly spec: FieldSpec;
  readonly target: Partial<Gvk>;
}

/**
 * Follows renames: wherever a resource refers to another by name (a Deployment's ConfigMap volume, a RoleBinding's
 * subjects, an HPA's scale target...), and the referred resource was renamed (prefix, suffix, content hash), the
 * reference gets the new name. Candidates are narrowed the way kustomize narrows them: previous name, kind, role
 * kind for roleRefs, namespace, then the prefixes and suffixes both sides were given.
 */
export function transformNameReferences(map: ResMap, table: readonly NameBackReference[] = NAME_REFERENCES): void {
  const resources = map.resources;
  // The resources of each kind (as first declared), in the map's order: most referrer specs name a kind.
  const ofKind = new Map<string, { resource: Resource; gvk: Gvk }[]>();
  const everything = resources.map((resource) => {
    const entry = { resource, gvk: resource.orgId().gvk };
    const same = ofKind.get(entry.gvk.kind);
    if (same === undefined) ofKind.set(entry.gvk.kind, [entry]);
    else same.push(entry);
    return entry;
  });
  const updates = new Map<Resource, PendingUpdate[]>();
  for (const backRef of table) {
    for (const spec of backRef.referrers) {
      for (const { resource, gvk } of spec.kind ? (ofKind.get(spec.kind) ?? []) : everything) {
        if (!gvkSelected(gvk, spec)) continue;
        const list = updates.get(resource) ?? [];
        list.push({ spec, target: backRef.target });
        updates.set(resource, list);
      }
    }
  }
  // Candidates are found by the names they had (prevIds) first: filtering every resource for every reference made
  // rendering thousands of objects quadratic. Nothing below renames a resource or changes its previous ids.
  const byPreviousName = new Map<string, Resource[]>();
  for (const resource of resources) {
    for (const name of new Set(resource.prevIds().map((id) => id.name))) {
      const named = byPreviousName.get(name);
      if (named === undefined) byPreviousName.set(name, [resource]);
      else named.push(resource);
    }
  }
  for (const [referrer, list] of updates) {
    const referable = map.referableBy(referrer);
    let all: readonly Resource[] | undefined;
    const candidates: Candidates = {
      named: (name) => (byPreviousName.get(name) ?? []).filter(referable),
      all: () => (all ??= resources.filter(referable)),
    };
    for (const update of list) {
      const referrerGvk = referrer.gvk();
      const spec: FieldSpec = {
        ...update.spec,
        group: referrerGvk.group,
        version: referrerGvk.version,
        kind: referrerGvk.kind,
      };
      applyFieldSpec(referrer, spec, (slot) => setReference(slot, { referrer, update, candidates, map }));
    }
  }
}

/** The resources a referrer may point at, in the map's order: those that had a name, and (rarely needed) all. */
interface Candidates {
  readonly named: (name: string) => readonly Resource[];
  readonly all: () => readonly Resource[];
}

interface ReferenceContext {
  readonly referrer: Resource;
  readonly update: PendingUpdate;
  readonly candidates: Candidates;
  readonly map: ResMap;
}

function setReference(slot: Slot, ctx: ReferenceContext): void {
  const node = slot.get();
  if (node === undefined || node === null) return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const element = node[i];
      if (element === null || element === undefined) continue;
      if (Array.isArray(element)) {
        throw new KustomizeFailure('name-reference', 'a name reference list element must be a string or a map');
      }
      if (isJsonObject(element)) setMappingReference(element, ctx);
      else setScalarReference({ get: () => node[i], set: (v) => (node[i] = v) }, ctx);
    }
    return;
  }
  if (isJsonObject(node)) setMappingReference(node, ctx);
  else setScalarReference(slot, ctx);
}

function setScalarReference(slot: Slot, ctx: ReferenceContext): void {
  const oldName = scalarText(slot.get());
  const referral = selectReferral(oldName, ctx.candidates, ctx, allNamesEqual);
  if (referral === undefined || referral.name === oldName) return;
  slot.set(referral.name);
}

function setMappingReference(node: JsonObject, ctx: ReferenceContext): void {
  if (!Object.hasOwn(node, 'name')) {
    throw new KustomizeFailure('name-reference', "path config error; no 'name' field in node");
  }
  const oldName = scalarText(node['name']);
  const referral = selectReferral(oldName, candidatesByNamespace(node, ctx), ctx, allNamesAndNamespacesEqual);
  if (referral === undefined) return;
  if (referral.name === oldName && referral.namespace === '') return;
  node['name'] = referral.name;
  if (referral.namespace !== '') node['namespace'] = referral.namespace;
}

/** For `{name, namespace}` references: candidates from that namespace (as first declared, else as now). */
function candidatesByNamespace(node: JsonObject, ctx: ReferenceContext): Candidates {
  if (!Object.hasOwn(node, 'namespace')) return ctx.candidates;
  const namespace = scalarText(node['namespace']);
  const all = ctx.candidates.all();
  let inNamespace = all.filter((c) => !isClusterScoped(c.orgId().gvk) && effectiveNamespace(c.orgId()) === namespace);
  if (inNamespace.length === 0)
    inNamespace = all.filter((c) => !isClusterScoped(c.gvk()) && effectiveNamespace(c.curId()) === namespace);
  const members = new Set(inNamespace);
  return {
    named: (name) => ctx.candidates.named(name).filter((resource) => members.has(resource)),
    all: () => inNamespace,
  };
}

function selectReferral(
  oldName: string,
  scope: Candidates,
  ctx: ReferenceContext,
  identical: (rs: readonly Resource[]) => boolean,
): Resource | undefined {
  const target = ctx.update.target;
  let candidates = scope.named(oldName);
  candidates = candidates.filter((r) => r.prevIds().some((id) => gvkSelected(id.gvk, target)));
  const roleRef = roleRefGvk(ctx);
  if (roleRef !== undefined)
    candidates = candidates.filter((r) => r.prevIds().some((id) => gvkSelected(id.gvk, roleRef)));
  candidates = candidates.filter(sameNamespaceAsReferrer(ctx.referrer));
  if (candidates.length === 1) return candidates[0];
  candidates = candidates.filter((r) => affixesEqual(r, ctx.referrer, true));
  if (candidates.length > 1) candidates = candidates.filter((r) => affixesEqual(r, ctx.referrer, false));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) return undefined;
  if (identical(candidates)) return candidates[0];
  throw new KustomizeFailure(
    'name-reference',
    `found multiple possible referrals: ${candidates.map((c) => resIdString(c.curId())).join(', ')} for a reference in ${resIdString(ctx.referrer.curId())}`,
  );
}

/** For `roleRef/name`, only roles of the kind (and API group) the roleRef names. */
function roleRefGvk(ctx: ReferenceContext): Partial<Gvk> | undefined {
  if (!ctx.update.spec.path.endsWith('roleRef/name')) return undefined;
  const roleRef = ctx.referrer.obj['roleRef'];
  if (!isJsonObject(roleRef)) return undefined;
  const apiGroup = roleRef['apiGroup'];
  const kind = roleRef['kind'];
  if (apiGroup === undefined || apiGroup === null || kind === undefined || kind === null) return undefined;
  return { group: scalarText(apiGroup), kind: scalarText(kind) };
}

function sameNamespaceAsReferrer(referrer: Resource): (r: Resource) => boolean {
  const referrerId = referrer.curId();
  if (isClusterScoped(referrerId.gvk)) return () => true;
  return (r) => {
    const id = r.curId();
    if (isClusterScoped(id.gvk)) return true;
    if (r.kind === 'ServiceAccount') return true;
    return effectiveNamespace(referrerId) === effectiveNamespace(id);
  };
}

function affixesEqual(candidate: Resource, referrer: Resource, allowEmpty: boolean): boolean {
  const cp = candidate.prefixes();
  const rp = referrer.prefixes();
  const cs = candidate.suffixes();
  const rs = referrer.suffixes();
  if (allowEmpty) {
    return (
      (cp.length === 0 || rp.length === 0 || sameEnding(cp, rp)) &&
      (cs.length === 0 || rs.length === 0 || sameEnding(cs, rs))
    );
  }
  return sameEnding(cp, rp) && sameEnding(cs, rs);
}

function sameEnding(a: readonly string[], b: readonly string[]): boolean {
  const [shortest, longest] = a.length <= b.length ? [a, b] : [b, a];
  const diff = longest.length - shortest.length;
  if (shortest.length === 0) return diff === 0;
  return shortest.every((s, i) => longest[i + diff] === s);
}

function allNamesEqual(rs: readonly Resource[]): boolean {
  return rs.every((r) => r.name === rs[0]?.name);
}

function allNamesAndNamespacesEqual(rs: readonly Resource[]): boolean {
  return rs.every((r) => r.name === rs[0]?.name && r.namespace === rs[0]?.namespace);
}
