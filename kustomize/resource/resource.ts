import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '../yaml/json-value.js';
import { formatNumberLikeKustomize } from '../yaml/go-number.js';
import { parseGroupVersion, type Gvk, type ResId } from './res-id.js';

/**
 * kustomize's bookkeeping annotations. kustomize keeps a resource's build state (its previous names, the prefixes
 * and suffixes applied to it, generator options) in annotations on the object itself and strips them before output;
 * kustomize-ts does the same, so every transformer sees the object exactly as kustomize's would.
 */
export const BuildAnnotation = {
  previousKinds: 'internal.config.kubernetes.io/previousKinds',
  previousNames: 'internal.config.kubernetes.io/previousNames',
  previousNamespaces: 'internal.config.kubernetes.io/previousNamespaces',
  prefixes: 'internal.config.kubernetes.io/prefixes',
  suffixes: 'internal.config.kubernetes.io/suffixes',
  refBy: 'internal.config.kubernetes.io/refBy',
  generatorBehavior: 'internal.config.kubernetes.io/generatorBehavior',
  needsHashSuffix: 'internal.config.kubernetes.io/needsHashSuffix',
  allowNameChange: 'internal.config.kubernetes.io/allowNameChange',
  allowKindChange: 'internal.config.kubernetes.io/allowKindChange',
} as const;

/** Every annotation removed before output (kustomize's BuildAnnotations, including kio's path/index ones). */
export const ALL_BUILD_ANNOTATIONS: readonly string[] = [
  ...Object.values(BuildAnnotation),
  'internal.config.kubernetes.io/path',
  'internal.config.kubernetes.io/index',
  'internal.config.kubernetes.io/seqindent',
  'internal.config.kubernetes.io/id',
  'internal.config.k8s.io/id',
  'config.kubernetes.io/path',
  'config.kubernetes.io/index',
  'config.k8s.io/id',
];

/** How a generated resource combines with an existing one of the same id. */
export type GenerationBehavior = 'create' | 'merge' | 'replace' | 'unspecified';

/** The string kustomize reads from a scalar metadata value (`GetValue`): text for scalars, `''` for collections. */
export function scalarText(value: JsonValue | undefined): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumberLikeKustomize(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  return '';
}

/** One Kubernetes object moving through the pipeline, with kustomize's id and build-state helpers. */
export class Resource {
  private idMemo: { apiVersion: string; kind: string; name: string; namespace: string; id: ResId } | undefined;
  private prevMemo:
    | { apiVersion: string; names?: string; namespaces?: string; kinds?: string; ids: readonly ResId[] }
    | undefined;

  constructor(public obj: JsonObject) {}

  /** A deep copy. */
  copy(): Resource {
    return new Resource(cloneJson(this.obj));
  }

  get apiVersion(): string {
    return scalarOrEmpty(this.obj['apiVersion']);
  }

  get kind(): string {
    return scalarOrEmpty(this.obj['kind']);
  }

  get name(): string {
    return scalarOrEmpty(this.metadata()?.['name']);
  }

  get namespace(): string {
    return scalarOrEmpty(this.metadata()?.['namespace']);
  }

  gvk(): Gvk {
    return this.curId().gvk;
  }

  /**
   * The id the resource has now. Ids are asked for in loops over every resource (duplicate checks, name
   * references), so the last one is kept, with the fields it was made from, and reused while they are unchanged;
   * transformers edit the object in place, so it is never trusted without that check.
   */
  curId(): ResId {
    const { apiVersion, kind, name, namespace } = this;
    const memo = this.idMemo;
    if (memo?.apiVersion === apiVersion && memo.kind === kind && memo.name === name && memo.namespace === namespace)
      return memo.id;
    const id: ResId = { gvk: { ...parseGroupVersion(apiVersion), kind }, name, namespace };
    this.idMemo = { apiVersion, kind, name, namespace, id };
    return id;
  }

  /** Ids the resource had before renames, oldest first (from the previous-name annotations); kept as curId's is. */
  prevIds(): readonly ResId[] {
    const apiVersion = this.apiVersion;
    const names = this.annotation(BuildAnnotation.previousNames);
    const namespaces = this.annotation(BuildAnnotation.previousNamespaces);
    const kinds = this.annotation(BuildAnnotation.previousKinds);
    const memo = this.prevMemo;
    if (memo?.apiVersion === apiVersion && memo.names === names && memo.namespaces === namespaces && memo.kinds === kinds)
      return memo.ids;
    const ids = previousIds(apiVersion, names, namespaces, kinds);
    this.prevMemo = { apiVersion, names, namespaces, kinds, ids };
    return ids;
  }

  /** The id the resource was first known by. */
  orgId(): ResId {
    return this.prevIds()[0] ?? this.curId();
  }

  /** Records the current id as a previous one, before a rename. */
  storePreviousId(effectiveNs: string): void {
    this.appendCsvAnnotation(BuildAnnotation.previousNames, this.name);
    this.appendCsvAnnotation(BuildAnnotation.previousNamespaces, effectiveNs);
    this.appendCsvAnnotation(BuildAnnotation.previousKinds, this.kind);
  }

  metadata(): JsonObject | undefined {
    const meta = this.obj['metadata'];
    return isJsonObject(meta) ? meta : undefined;
  }

  /** The metadata mapping, created when missing. */
  ensureMetadata(): JsonObject {
    const meta = this.obj['metadata'];
    if (isJsonObject(meta)) return meta;
    const created: JsonObject = {};
    this.obj['metadata'] = created;
    return created;
  }

  setName(name: string): void {
    this.ensureMetadata()['name'] = name;
  }

  /** Sets the namespace; an empty one removes the field. */
  setNamespace(namespace: string): void {
    if (namespace === '') {
      const meta = this.metadata();
      if (meta !== undefined) delete meta['namespace'];
      return;
    }
    this.ensureMetadata()['namespace'] = namespace;
  }

  setKind(kind: string): void {
    this.obj['kind'] = kind;
  }

  getAnnotations(): Record<string, string> {
    return this.getStringMap('annotations');
  }

  /** One annotation's text, as getAnnotations()[key] gives it, without copying the others. */
  private annotation(key: string): string | undefined {
    const annotations = this.metadata()?.['annotations'];
    if (!isJsonObject(annotations) || !Object.hasOwn(annotations, key)) return undefined;
    return scalarText(annotations[key]);
  }

  /** Replaces the annotations; an empty map removes the field (kyaml's SetAnnotations). */
  setAnnotations(map: Readonly<Record<string, string>>): void {
    this.setStringMap('annotations', map);
  }

  getLabels(): Record<string, string> {
    return this.getStringMap('labels');
  }

  setLabels(map: Readonly<Record<string, string>>): void {
    this.setStringMap('labels', map);
  }

  getCsvAnnotation(key: string): string[] {
    const value = this.getAnnotations()[key];
    return value === undefined ? [] : value.split(',');
  }

  appendCsvAnnotation(key: string, value: string): void {
    if (value === '') return;
    const annotations = this.getAnnotations();
    const current = annotations[key];
    annotations[key] = current === undefined ? value : `${current},${value}`;
    this.setAnnotations(annotations);
  }

  setAnnotation(key: string, value: string): void {
    const annotations = this.getAnnotations();
    annotations[key] = value;
    this.setAnnotations(annotations);
  }

  isAnnotationEnabled(key: string): boolean {
    return this.getAnnotations()[key] === 'enabled';
  }

  behavior(): GenerationBehavior {
    const value = this.getAnnotations()[BuildAnnotation.generatorBehavior];
    return value === 'create' || value === 'merge' || value === 'replace' ? value : 'unspecified';
  }

  prefixes(): string[] {
    return this.getCsvAnnotation(BuildAnnotation.prefixes);
  }

  suffixes(): string[] {
    return this.getCsvAnnotation(BuildAnnotation.suffixes);
  }

  /** Removes kustomize's bookkeeping annotations (kyaml's SetAnnotations drops an emptied map). */
  removeBuildAnnotations(): void {
    const annotations = this.getAnnotations();
    if (Object.keys(annotations).length === 0) return;
    for (const key of ALL_BUILD_ANNOTATIONS) delete annotations[key];
    this.setAnnotations(annotations);
  }

  private getStringMap(field: 'labels' | 'annotations'): Record<string, string> {
    const value = this.metadata()?.[field];
    const result: Record<string, string> = {};
    if (!isJsonObject(value)) return result;
    for (const k in value) result[k] = scalarText(value[k]!);
    return result;
  }

  private setStringMap(field: 'labels' | 'annotations', map: Readonly<Record<string, string>>): void {
    const meta = this.ensureMetadata();
    delete meta[field];
    const keys = Object.keys(map);
    if (keys.length === 0) return;
    const out: JsonObject = {};
    for (const k of keys.sort()) out[k] = map[k] ?? '';
    meta[field] = out;
  }
}

function previousIds(apiVersion: string, names?: string, namespaces?: string, kinds?: string): readonly ResId[] {
  if (names === undefined) return [];
  const nameList = names.split(',');
  const namespaceList = (namespaces ?? '').split(',');
  const kindList = (kinds ?? '').split(',');
  if (nameList.length !== namespaceList.length || nameList.length !== kindList.length) {
    throw new Error('number of previous names, number of previous namespaces, number of previous kinds not equal');
  }
  const { group, version } = parseGroupVersion(apiVersion);
  return nameList.map((name, i) => ({ gvk: { group, version, kind: kindList[i] ?? '' }, name, namespace: namespaceList[i] ?? '' }));
}

function scalarOrEmpty(value: JsonValue | undefined): string {
  return value === undefined || value === null || typeof value === 'object' ? '' : scalarText(value);
}
