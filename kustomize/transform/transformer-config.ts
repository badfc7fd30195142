import * as z from 'zod/mini';
import { KustomizeFailure } from '../errors.js';
import { lazyRecord } from '../lazy-record.js';
import { fieldSpecSchema } from '../load/kustomization-schema.js';
import { gvkSelected } from '../resource/res-id.js';
import { YamlError, parseYamlDocument } from '../yaml/parse-yaml.js';
import {
  COMMON_ANNOTATION_SPECS,
  COMMON_LABEL_SPECS,
  IMAGE_SPECS,
  METADATA_LABEL_SPECS,
  NAMESPACE_SPECS,
  NAME_SPECS,
  REPLICA_SPECS,
  VAR_REFERENCE_SPECS,
} from './default-field-specs.js';
import type { FieldSpec } from './field-spec.js';
import { goSort } from './go-sort.js';
import { NAME_REFERENCES, type NameBackReference } from './name-reference-specs.js';
import { LEGACY_ORDER_FIRST, LEGACY_ORDER_LAST } from './sort-resources.js';

/**
 * The field specs kustomize's builtin transformers use (its TransformerConfig): the defaults, extended by a
 * kustomization's `configurations:` files and by those of every base it includes (kubebuilder's `config/crd`
 * declares where its CRDs hold Service names and namespaces, and `config/default` inherits that).
 */
export interface TransformerConfig {
  readonly namePrefix: readonly FieldSpec[];
  readonly nameSuffix: readonly FieldSpec[];
  readonly namespace: readonly FieldSpec[];
  readonly commonLabels: readonly FieldSpec[];
  /** Added to every `labels:` entry's fields (with or without selectors); empty by default. */
  readonly labels: readonly FieldSpec[];
  readonly templateLabels: readonly FieldSpec[];
  readonly commonAnnotations: readonly FieldSpec[];
  readonly images: readonly FieldSpec[];
  readonly replicas: readonly FieldSpec[];
  readonly nameReference: readonly NameBackReference[];
  /** The fields where `vars` replace `$(NAME)`. */
  readonly varReference: readonly FieldSpec[];
}

/** What a build starts from before any kustomization is read: nothing (kustomize's empty accumulator). */
export const EMPTY_TRANSFORMER_CONFIG: TransformerConfig = {
  namePrefix: [],
  nameSuffix: [],
  namespace: [],
  commonLabels: [],
  labels: [],
  templateLabels: [],
  commonAnnotations: [],
  images: [],
  replicas: [],
  nameReference: [],
  varReference: [],
};

type GvkLike = { readonly group?: string; readonly version?: string; readonly kind?: string };

const KIND_RANK: ReadonlyMap<string, number> = new Map([
  ...LEGACY_ORDER_FIRST.map((kind, i): [string, number] => [kind, i - LEGACY_ORDER_FIRST.length]),
  ...LEGACY_ORDER_LAST.map((kind, i): [string, number] => [kind, i + 1]),
]);

const sortStrings = new WeakMap<GvkLike, string>();

function stableSortString(gvk: GvkLike): string {
  let text = sortStrings.get(gvk);
  if (text === undefined) {
    text = `${gvk.group || '~G'}_${gvk.version || '~V'}_${gvk.kind || '~K'}`;
    sortStrings.set(gvk, text);
  }
  return text;
}

/** kustomize's Gvk.IsLessThan: by kind rank (the legacy output order), then by group, version and kind as text. */
function gvkLess(a: GvkLike, b: GvkLike): boolean {
  const ra = KIND_RANK.get(a.kind ?? '') ?? 0;
  const rb = KIND_RANK.get(b.kind ?? '') ?? 0;
  if (ra !== rb) return ra < rb;
  return stableSortString(a) < stableSortString(b);
}

function sortedSpecs(specs: readonly FieldSpec[]): FieldSpec[] {
  const result = [...specs];
  goSort(result, gvkLess);
  return result;
}

/**
 * kustomize's TransformerConfig.sortFields: every list ordered by group/version/kind with Go's (unstable) sort, name
 * references by their target. The order matters: a later merge keeps the first of two specs with the same path where
 * one selects the other, so a kind-specific `namePrefix: metadata/name` sorted before the default one absorbs it.
 *
 * Each list is sorted when first read: a render reads a few of them, and sorting all of kustomize's default lists
 * when the module loaded cost a render process about 0.3 ms.
 */
function sortedConfig(c: TransformerConfig): TransformerConfig {
  return lazyRecord<TransformerConfig>({
    namePrefix: () => sortedSpecs(c.namePrefix),
    nameSuffix: () => sortedSpecs(c.nameSuffix),
    namespace: () => sortedSpecs(c.namespace),
    commonLabels: () => sortedSpecs(c.commonLabels),
    labels: () => sortedSpecs(c.labels),
    templateLabels: () => sortedSpecs(c.templateLabels),
    commonAnnotations: () => sortedSpecs(c.commonAnnotations),
    images: () => sortedSpecs(c.images),
    replicas: () => sortedSpecs(c.replicas),
    varReference: () => sortedSpecs(c.varReference),
    nameReference: () => {
      const nameReference = [...c.nameReference];
      goSort(nameReference, (a, b) => gvkLess(a.target, b.target));
      return nameReference;
    },
  });
}

/** kustomize's default configuration, its lists sorted as kustomize sorts a configuration it reads. */
export const DEFAULT_TRANSFORMER_CONFIG: TransformerConfig = sortedConfig({
  namePrefix: NAME_SPECS,
  nameSuffix: NAME_SPECS,
  namespace: NAMESPACE_SPECS,
  commonLabels: COMMON_LABEL_SPECS,
  labels: [],
  templateLabels: METADATA_LABEL_SPECS,
  commonAnnotations: COMMON_ANNOTATION_SPECS,
  images: IMAGE_SPECS,
  replicas: REPLICA_SPECS,
  nameReference: NAME_REFERENCES,
  varReference: VAR_REFERENCE_SPECS,
});

/**
 * A `configurations:` file's schema, decoded strictly as kustomize decodes it (an unknown field is an error). Built at
 * the first such file, not with the module: most builds have none, and building it cost every cold `gantry render`.
 */
function buildConfigSchema() {
  const fsList = z.nullish(z.array(fieldSpecSchema()));

  return z.strictObject({
    namePrefix: fsList,
    nameSuffix: fsList,
    namespace: fsList,
    commonLabels: fsList,
    templateLabels: fsList,
    labels: fsList,
    commonAnnotations: fsList,
    images: fsList,
    replicas: fsList,
    varReference: fsList,
    nameReference: z.nullish(
      z.array(
        z.strictObject({
          group: z.nullish(z.string()),
          version: z.nullish(z.string()),
          kind: z.nullish(z.string()),
          fieldSpecs: fsList,
        }),
      ),
    ),
  });
}

let configSchema: ReturnType<typeof buildConfigSchema> | undefined;

function toFieldSpecs(list: z.infer<ReturnType<typeof buildConfigSchema>>['namePrefix']): FieldSpec[] {
  return (list ?? []).map((s) => ({
    path: s.path ?? '',
    create: s.create ?? false,
    ...(s.group ? { group: s.group } : {}),
    ...(s.version ? { version: s.version } : {}),
    ...(s.kind ? { kind: s.kind } : {}),
  }));
}

/**
 * Reads one `configurations:` file. kustomize decodes it strictly into its TransformerConfig, so text that is not
 * YAML, a field of the wrong type and an unknown field all fail the build.
 */
export function parseTransformerConfig(text: string, path: string): TransformerConfig {
  let doc;
  try {
    doc = parseYamlDocument(text, { dialect: 'go-yaml-v2' }) ?? {};
  } catch (error) {
    if (!(error instanceof YamlError)) throw error;
    throw new KustomizeFailure('invalid-kustomization', `${path}: error converting YAML to JSON: ${error.message}`, {
      cause: error,
    });
  }
  const parsed = (configSchema ??= buildConfigSchema()).safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const what =
      issue?.code === 'unrecognized_keys'
        ? `unknown field "${issue.keys.join('", "')}"`
        : `${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`;
    throw new KustomizeFailure('invalid-kustomization', `${path}: error unmarshaling transformer config: ${what}`);
  }
  const c = parsed.data;
  return sortedConfig({
    namePrefix: toFieldSpecs(c.namePrefix),
    nameSuffix: toFieldSpecs(c.nameSuffix),
    namespace: toFieldSpecs(c.namespace),
    commonLabels: toFieldSpecs(c.commonLabels),
    labels: toFieldSpecs(c.labels),
    templateLabels: toFieldSpecs(c.templateLabels),
    commonAnnotations: toFieldSpecs(c.commonAnnotations),
    images: toFieldSpecs(c.images),
    replicas: toFieldSpecs(c.replicas),
    varReference: toFieldSpecs(c.varReference),
    nameReference: (c.nameReference ?? []).map((n) => ({
      target: {
        ...(n.group ? { group: n.group } : {}),
        ...(n.version ? { version: n.version } : {}),
        ...(n.kind ? { kind: n.kind } : {}),
      },
      referrers: toFieldSpecs(n.fieldSpecs),
    })),
  });
}

/**
 * kustomize's FsSlice.MergeAll: adds each incoming spec unless one already there has the same path and is selected by
 * the incoming spec's group/version/kind; such a one that disagrees on `create` is an error ("conflicting fieldspecs").
 */
export function mergeFieldSpecs(existing: readonly FieldSpec[], incoming: readonly FieldSpec[]): FieldSpec[] {
  const result = [...existing];
  for (const spec of incoming) {
    const same = result.find((s) => s.path === spec.path && gvkSelected(gvkOf(s), spec));
    if (same === undefined) result.push(spec);
    else if ((same.create === true) !== (spec.create === true)) {
      throw new KustomizeFailure('invalid-kustomization', `conflicting fieldspecs: ${describeSpec(spec)}`);
    }
  }
  return result;
}

function gvkOf(spec: FieldSpec): { group: string; version: string; kind: string } {
  return { group: spec.group ?? '', version: spec.version ?? '', kind: spec.kind ?? '' };
}

function describeSpec(spec: FieldSpec): string {
  const gvk = [spec.kind || '[noKind]', spec.version || '[noVer]', spec.group || '[noGrp]'].join('.');
  return `${gvk}:${spec.create === true}:${spec.path}`;
}

function sameGvk(a: NameBackReference['target'], b: NameBackReference['target']): boolean {
  return (
    (a.group ?? '') === (b.group ?? '') && (a.version ?? '') === (b.version ?? '') && (a.kind ?? '') === (b.kind ?? '')
  );
}

/** Merges name references as kustomize does: referrers of the same target kind are merged, new targets appended. */
export function mergeNameReferences(
  existing: readonly NameBackReference[],
  incoming: readonly NameBackReference[],
): NameBackReference[] {
  const result = [...existing];
  for (const ref of incoming) {
    const i = result.findIndex((r) => sameGvk(r.target, ref.target));
    const at = result[i];
    if (at === undefined) result.push(ref);
    else result[i] = { target: at.target, referrers: mergeFieldSpecs(at.referrers, ref.referrers) };
  }
  return result;
}

/** What merging into the empty configuration made of a configuration (kustomize's accumulator starts empty). */
const mergedIntoEmpty = new WeakMap<TransformerConfig, TransformerConfig>();

/**
 * kustomize's TransformerConfig.Merge: each list of `b` merged into that of `a` (FsSlice.MergeAll), then all sorted.
 * Merging into the empty configuration is not a copy: the specs of `b` are merged one by one, so one of them that a
 * spec before it selects with the same path is dropped.
 */
export function mergeTransformerConfigs(a: TransformerConfig, b: TransformerConfig): TransformerConfig {
  // Sorting a sorted list changes nothing, so merging a configuration with itself or with nothing gives it back.
  if (a === b || b === EMPTY_TRANSFORMER_CONFIG) return a;
  // kustomize's default lists have no two specs that merging would fold into one (a test checks it), so merging them
  // into nothing gives them back; said here, the lists need not be merged, nor all sorted, in every render.
  if (a === EMPTY_TRANSFORMER_CONFIG && b === DEFAULT_TRANSFORMER_CONFIG) return b;
  if (a === EMPTY_TRANSFORMER_CONFIG) {
    // Most builds have no custom configuration: every kustomization then carries the defaults, and this keeps a render
    // from re-merging the default tables once per kustomization.
    let merged = mergedIntoEmpty.get(b);
    if (merged === undefined) {
      merged = mergeAllFields(a, b);
      // Unchanged (the defaults are): keep `b` itself, so that merging it into a parent's is the identity above.
      if (sameLists(merged, b)) merged = b;
      mergedIntoEmpty.set(b, merged);
      mergedIntoEmpty.set(merged, merged);
    }
    return merged;
  }
  return mergeAllFields(a, b);
}

function sameLists(a: TransformerConfig, b: TransformerConfig): boolean {
  return (Object.keys(a) as (keyof TransformerConfig)[]).every((name) => {
    const x: readonly unknown[] = a[name];
    const y: readonly unknown[] = b[name];
    return x.length === y.length && x.every((item, i) => item === y[i]);
  });
}

function mergeAllFields(a: TransformerConfig, b: TransformerConfig): TransformerConfig {
  const merge = (name: Exclude<keyof TransformerConfig, 'nameReference'>): FieldSpec[] => {
    try {
      return mergeFieldSpecs(a[name], b[name]);
    } catch (error) {
      if (!(error instanceof KustomizeFailure)) throw error;
      throw new KustomizeFailure(error.reason, `failed to merge ${name} fieldSpec: ${error.message}`);
    }
  };
  return sortedConfig({
    namePrefix: merge('namePrefix'),
    nameSuffix: merge('nameSuffix'),
    namespace: merge('namespace'),
    commonLabels: merge('commonLabels'),
    labels: merge('labels'),
    templateLabels: merge('templateLabels'),
    commonAnnotations: merge('commonAnnotations'),
    images: merge('images'),
    replicas: merge('replicas'),
    varReference: merge('varReference'),
    nameReference: mergeNameReferences(a.nameReference, b.nameReference),
  });
}
