import { en } from 'zod/locales';
import * as z from 'zod/mini';

// zod/mini, zod's functional API over the same core, because a `gantry render` process builds and runs these schemas
// cold: it constructs and compiles less than zod's method-chaining API. Unlike that API it sets no message locale
// by itself; English is what the messages kustomize-ts reports (and its tests expect) are in. It is the locale zod
// would set anyway, so configuring it here changes nothing for other zod users in the process.
z.config(en());

/**
 * The kustomization file, as kustomize v5 decodes it: unknown fields are an error, every field has its Go type
 * (a `1` where a string is expected is an error, as in kustomize), and `null` means "not set".
 */

const str = z.nullish(z.string());
const bool = z.nullish(z.boolean());
const strList = z.nullish(z.array(z.string()));
const strMap = z.nullish(z.record(z.string(), z.string()));

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
  target: z.nullish(SelectorSchema),
  options: z.nullish(z.strictObject({ allowNameChange: bool, allowKindChange: bool })),
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
  options: z.nullish(GeneratorOptionsSchema),
};

const FieldOptionsSchema = z.strictObject({
  delimiter: str,
  index: z.nullish(z.number().check(z.int())),
  encoding: str,
  create: bool,
});

export const ReplacementSchema = z.strictObject({
  path: str,
  source: z.nullish(
    z.strictObject({
      ...gvkFields,
      name: str,
      namespace: str,
      fieldPath: str,
      options: z.nullish(FieldOptionsSchema),
    }),
  ),
  sourceValue: str,
  targets: z.nullish(
    z.array(
      z.strictObject({
        select: z.nullish(SelectorSchema),
        reject: z.nullish(z.array(SelectorSchema)),
        fieldPaths: strList,
        options: z.nullish(FieldOptionsSchema),
      }),
    ),
  ),
});

export const ImageSchema = z.strictObject({ name: str, newName: str, tagSuffix: str, newTag: str, digest: str });

const VarSchema = z.strictObject({
  name: z.string(),
  objref: z.strictObject({ ...gvkFields, apiVersion: str, name: z.string(), namespace: str }),
  // kustomize decodes with Go's encoding/json, which matches field names case-insensitively; kubebuilder's scaffolds
  // write `fieldpath`.
  fieldref: z.nullish(z.strictObject({ fieldPath: str, fieldpath: str })),
});

/** The kustomization.yaml / Component document. */
export const KustomizationSchema = z.strictObject({
  apiVersion: str,
  kind: str,
  metadata: z.nullish(z.strictObject({ name: str, namespace: str, labels: strMap, annotations: strMap })),
  openapi: strMap,
  namePrefix: str,
  nameSuffix: str,
  namespace: str,
  commonLabels: strMap,
  labels: z.nullish(
    z.array(
      z.strictObject({
        pairs: strMap,
        includeSelectors: bool,
        includeTemplates: bool,
        includeVolumeClaimTemplates: bool,
        fields: z.nullish(z.array(FieldSpecSchema)),
      }),
    ),
  ),
  commonAnnotations: strMap,
  patchesStrategicMerge: strList,
  patchesJson6902: z.nullish(z.array(PatchSchema)),
  patches: z.nullish(z.array(PatchSchema)),
  images: z.nullish(z.array(ImageSchema)),
  imageTags: z.nullish(z.array(ImageSchema)),
  replacements: z.nullish(z.array(ReplacementSchema)),
  replicas: z.nullish(z.array(z.strictObject({ name: str, count: z.number().check(z.int()) }))),
  vars: z.nullish(z.array(VarSchema)),
  sortOptions: z.nullish(
    z.strictObject({
      order: str,
      legacySortOptions: z.nullish(z.strictObject({ orderFirst: strList, orderLast: strList })),
    }),
  ),
  resources: strList,
  components: strList,
  crds: strList,
  bases: strList,
  configMapGenerator: z.nullish(z.array(z.strictObject(generatorFields))),
  secretGenerator: z.nullish(z.array(z.strictObject({ ...generatorFields, type: str }))),
  helmGlobals: z.optional(z.unknown()),
  helmCharts: z.optional(z.unknown()),
  helmChartInflationGenerator: z.optional(z.unknown()),
  generatorOptions: z.nullish(GeneratorOptionsSchema),
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
