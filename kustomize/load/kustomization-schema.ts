import * as z from 'zod';

/**
 * The kustomization file, as kustomize v5 decodes it: unknown fields are an error, every field has its Go type
 * (a `1` where a string is expected is an error, as in kustomize), and `null` means "not set".
 */

const str = z.string().nullish();
const bool = z.boolean().nullish();
const strList = z.array(z.string()).nullish();
const strMap = z.record(z.string(), z.string()).nullish();

const gvkFields = { group: str, version: str, kind: str };

/** A field path with an optional group/version/kind filter (labels[].fields, transformer configs). */
export const FieldSpecSchema = z.strictObject({ ...gvkFields, path: str, create: bool });

/** A resource selector: regexes on group/version/kind/name/namespace plus label and annotation selectors. */
export const SelectorSchema = z.strictObject({
  ...gvkFields,
  name: str,
  namespace: str,
  labelSelector: str,
  annotationSelector: str,
});

export const PatchSchema = z.strictObject({
  path: str,
  patch: str,
  target: SelectorSchema.nullish(),
  options: z.strictObject({ allowNameChange: bool, allowKindChange: bool }).nullish(),
});

const GeneratorOptionsSchema = z.strictObject({
  labels: strMap,
  annotations: strMap,
  disableNameSuffixHash: bool,
  immutable: bool,
});

export const generatorFields = {
  namespace: str,
  name: str,
  behavior: str,
  literals: strList,
  files: strList,
  envs: strList,
  env: str,
  options: GeneratorOptionsSchema.nullish(),
};

const FieldOptionsSchema = z.strictObject({
  delimiter: str,
  index: z.number().int().nullish(),
  encoding: str,
  create: bool,
});

export const ReplacementSchema = z.strictObject({
  path: str,
  source: z
    .strictObject({
      ...gvkFields,
      name: str,
      namespace: str,
      fieldPath: str,
      options: FieldOptionsSchema.nullish(),
    })
    .nullish(),
  sourceValue: str,
  targets: z
    .array(
      z.strictObject({
        select: SelectorSchema.nullish(),
        reject: z.array(SelectorSchema).nullish(),
        fieldPaths: strList,
        options: FieldOptionsSchema.nullish(),
      }),
    )
    .nullish(),
});

export const ImageSchema = z.strictObject({ name: str, newName: str, tagSuffix: str, newTag: str, digest: str });

const VarSchema = z.strictObject({
  name: z.string(),
  objref: z.strictObject({ ...gvkFields, apiVersion: str, name: z.string(), namespace: str }),
  // kustomize decodes with Go's encoding/json, which matches field names case-insensitively; kubebuilder's scaffolds
  // write `fieldpath`.
  fieldref: z.strictObject({ fieldPath: str, fieldpath: str }).nullish(),
});

/** The kustomization.yaml / Component document. */
export const KustomizationSchema = z.strictObject({
  apiVersion: str,
  kind: str,
  metadata: z.strictObject({ name: str, namespace: str, labels: strMap, annotations: strMap }).nullish(),
  openapi: strMap,
  namePrefix: str,
  nameSuffix: str,
  namespace: str,
  commonLabels: strMap,
  labels: z
    .array(
      z.strictObject({
        pairs: strMap,
        includeSelectors: bool,
        includeTemplates: bool,
        includeVolumeClaimTemplates: bool,
        fields: z.array(FieldSpecSchema).nullish(),
      }),
    )
    .nullish(),
  commonAnnotations: strMap,
  patchesStrategicMerge: strList,
  patchesJson6902: z.array(PatchSchema).nullish(),
  patches: z.array(PatchSchema).nullish(),
  images: z.array(ImageSchema).nullish(),
  imageTags: z.array(ImageSchema).nullish(),
  replacements: z.array(ReplacementSchema).nullish(),
  replicas: z.array(z.strictObject({ name: str, count: z.number().int() })).nullish(),
  vars: z.array(VarSchema).nullish(),
  sortOptions: z
    .strictObject({
      order: str,
      legacySortOptions: z.strictObject({ orderFirst: strList, orderLast: strList }).nullish(),
    })
    .nullish(),
  resources: strList,
  components: strList,
  crds: strList,
  bases: strList,
  configMapGenerator: z.array(z.strictObject(generatorFields)).nullish(),
  secretGenerator: z.array(z.strictObject({ ...generatorFields, type: str })).nullish(),
  helmGlobals: z.unknown().optional(),
  helmCharts: z.unknown().optional(),
  helmChartInflationGenerator: z.unknown().optional(),
  generatorOptions: GeneratorOptionsSchema.nullish(),
  configurations: strList,
  generators: strList,
  transformers: strList,
  validators: strList,
  buildMetadata: strList,
});

/** A kustomization file as decoded (fields absent or null when unset). */
export type KustomizationFile = z.infer<typeof KustomizationSchema>;
export type SelectorSpec = z.infer<typeof SelectorSchema>;
export type PatchSpec = z.infer<typeof PatchSchema>;
export type ReplacementSpec = z.infer<typeof ReplacementSchema>;
export type ImageSpec = z.infer<typeof ImageSchema>;
export type FieldSpecInput = z.infer<typeof FieldSpecSchema>;
export type GeneratorOptionsSpec = z.infer<typeof GeneratorOptionsSchema>;
export type VarSpec = z.infer<typeof VarSchema>;
