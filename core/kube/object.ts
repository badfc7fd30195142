/**
 * The shape of any Kubernetes object as the pipeline handles it: parsed from rendered YAML or read from the
 * cluster, never trusted beyond these fields until a function checks more.
 */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: KubeMetadata;
  readonly [field: string]: unknown;
}

export interface KubeMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/** Identity of an object: what an inventory records and what every error message starts with. */
export interface ObjectRef {
  /** API group, '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Absent for cluster-scoped objects. */
  readonly namespace?: string;
  readonly name: string;
}

/** Splits `apps/v1` into group `apps`, version `v1`; `v1` into group '', version `v1`. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export function refOf(obj: KubeObject): ObjectRef {
  const { group, version } = splitApiVersion(obj.apiVersion);
  return { group, version, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
}

/** `Deployment/shop-dev/catalog` or `StorageClass/gp3`: the prefix of every message about an object. */
export function formatRef(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** A stable key for maps and inventories: `group_kind_namespace_name` (version-free, as an object's identity is). */
export function refKey(ref: ObjectRef): string {
  return [ref.group, ref.kind, ref.namespace ?? '', ref.name].join('_');
}
