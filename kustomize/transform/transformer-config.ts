import * as z from 'zod';
import { KustomizeFailure } from '../errors.js';
import { FieldSpecSchema } from '../load/kustomization-schema.js';
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
import { NAME_REFERENCES, type NameBackReference } from './name-reference-specs.js';

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

/** kustomize's default configuration. */
export const DEFAULT_TRANSFORMER_CONFIG: TransformerConfig = {
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
};

const fsList = z.array(FieldSpecSchema).nullish();

/** A `configurations:` file, decoded strictly as kustomize decodes it (an unknown field is an error). */
const TransformerConfigSchema = z.strictObject({
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
  nameReference: z
    .array(
      z.strictObject({
        group: z.string().nullish(),
        version: z.string().nullish(),
        kind: z.string().nullish(),
        fieldSpecs: fsList,
      }),
    )
    .nullish(),
});

function toFieldSpecs(list: z.infer<typeof fsList>): FieldSpec[] {
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
  const parsed = TransformerConfigSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const what =
      issue?.code === 'unrecognized_keys'
        ? `unknown field "${issue.keys.join('", "')}"`
        : `${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`;
    throw new KustomizeFailure('invalid-kustomization', `${path}: error unmarshaling transformer config: ${what}`);
  }
  const c = parsed.data;
  return {
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
  };
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
function mergeNameReferences(
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

/** kustomize's TransformerConfig.Merge; `field` names the list whose specs conflict. */
export function mergeTransformerConfigs(a: TransformerConfig, b: TransformerConfig): TransformerConfig {
  // Most builds have no custom configuration: every kustomization then carries the defaults object itself, and these
  // identities keep a render from re-merging the default tables once per kustomization.
  if (a === b || b === EMPTY_TRANSFORMER_CONFIG) return a;
  if (a === EMPTY_TRANSFORMER_CONFIG) return b;
  const merge = (name: Exclude<keyof TransformerConfig, 'nameReference'>): FieldSpec[] => {
    try {
      return mergeFieldSpecs(a[name], b[name]);
    } catch (error) {
      if (!(error instanceof KustomizeFailure)) throw error;
      throw new KustomizeFailure(error.reason, `failed to merge ${name} fieldSpec: ${error.message}`);
    }
  };
  return {
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
  };
}
