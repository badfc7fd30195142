/**
 * The shape of the merge-key table that `scripts/generate-merge-keys.ts` derives from a Kubernetes OpenAPI v2
 * document, and the lookups the strategic merge makes in it.
 *
 * Paths are dot-joined field names from the object's root; `[]` after a name steps into the list's elements
 * (`spec.template.spec.containers[].ports`), and `*` stands for any key of a map whose values share one schema. Only
 * list fields that carry a Kubernetes list extension are listed: a list without one is replaced wholesale by a
 * patch, which is also what happens to a path that is not in the table.
 */

/** The Kubernetes list extensions of one list field, copied verbatim from the OpenAPI document. */
export interface ListFieldInfo {
  /** `x-kubernetes-patch-strategy`, e.g. `merge`, `retainKeys`, `merge,retainKeys`. */
  readonly strategy?: string;
  /** `x-kubernetes-patch-merge-key`, e.g. `name`, `containerPort`, `mountPath`. */
  readonly mergeKey?: string;
  /** `x-kubernetes-list-type`: `atomic`, `set` or `map`. */
  readonly listType?: string;
  /** `x-kubernetes-list-map-keys`, e.g. `["containerPort", "protocol"]`. */
  readonly listMapKeys?: readonly string[];
}

/** What the table knows about one group/version/kind. */
export interface KindInfo {
  /** Whether objects of this kind live in a namespace; absent when the document does not say. */
  readonly scope?: 'Namespaced' | 'Cluster';
  /** List fields with extensions, by path. */
  readonly lists: Readonly<Record<string, ListFieldInfo>>;
  /**
   * Paths of maps whose values share one schema (`additionalProperties`) and lead to a listed field: below such a
   * path the next segment is `*` whatever the key is.
   */
  readonly maps?: readonly string[];
  /**
   * Paths where a recursive definition (JSONSchemaProps) recurs, each to the path where it was first entered: a
   * lookup below the first continues from the second.
   */
  readonly recursions?: Readonly<Record<string, string>>;
}

/** Where a table came from, so a reader can tell which Kubernetes release its merge keys describe. */
export interface MergeKeyTableSource {
  readonly title: string;
  readonly kubernetesVersion: string;
  /** SHA-256 of the (decompressed) document the table was generated from. */
  readonly sha256: string;
  readonly description: string;
}

/** Merge keys and scopes for every kind an OpenAPI document declares, keyed by apiVersion then kind. */
export interface MergeKeyTable {
  readonly source: MergeKeyTableSource;
  readonly kinds: Readonly<Record<string, Readonly<Record<string, KindInfo>>>>;
}

/** A group/version/kind as kustomize spells it (`group` is empty for the core group). */
export interface Gvk {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** `apps` + `v1` → `apps/v1`; the core group has no prefix. */
export function apiVersionOf(gvk: Pick<Gvk, 'group' | 'version'>): string {
  return gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`;
}

/** Splits an apiVersion the way kustomize does: everything before the first `/` is the group. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The table entry for a kind, or undefined when the document does not know it (a CRD, or a newer API). */
export function kindInfo(table: MergeKeyTable, apiVersion: string, kind: string): KindInfo | undefined {
  const byKind = table.kinds[apiVersion];
  return byKind === undefined ? undefined : byKind[kind];
}

/**
 * Whether a kind is namespaced according to the table: `true` or `false`, or `undefined` when the table does not
 * know the kind (kustomize then treats it as namespaced).
 */
export function isNamespaced(table: MergeKeyTable, apiVersion: string, kind: string): boolean | undefined {
  const scope = kindInfo(table, apiVersion, kind)?.scope;
  return scope === undefined ? undefined : scope === 'Namespaced';
}

/** How kyaml's merge treats a list field: merged element by element under `keys`, or replaced wholesale. */
export type ListMergeBehaviour =
  { readonly associative: false } | { readonly associative: true; readonly keys: readonly string[] };

/**
 * The behaviour kyaml derives from a list field's extensions: a list is merged only when its patch strategy names
 * `merge`; its keys are `x-kubernetes-list-map-keys` when present (kyaml prefers them), else the patch merge key,
 * else none (a list of primitives such as finalizers, merged by value).
 */
export function listMergeBehaviour(info: ListFieldInfo | undefined): ListMergeBehaviour {
  const strategy = info?.strategy;
  if (info === undefined || strategy === undefined || !strategy.split(',').includes('merge')) {
    return { associative: false };
  }
  if (info.listMapKeys !== undefined) return { associative: true, keys: info.listMapKeys };
  return { associative: true, keys: info.mergeKey === undefined ? [] : [info.mergeKey] };
}
