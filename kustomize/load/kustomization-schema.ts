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

/**
 * A schema built at its first use. Building every schema of a kustomization when this module loads cost a render
 * process about 1.5 ms, and a render meets a few of its fields: what it does not meet, it does not build.
 */
function once<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

/** A field of the kustomization that is absent, null, or what `build` describes (built when first present). */
function nullishLazy<T extends z.ZodMiniType>(build: () => T) {
  return z.nullish(z.lazy(build));
}

const gvkFields = { group: str, version: str, kind: str };

/** A field path with an optional group/version/kind filter (labels[].fields, transformer configs). */
export const fieldSpecSchema = once(() => z.strictObject({ ...gvkFields, path: str, create: bool }));

/** A resource selector: regexes on group/version/kind/name/namespace plus label and annotation selectors. */
export const selectorSchema = once(() =>
  z.strictObject({
    ...gvkFields,
    name: str,
    namespace: str,
    labelSelector: str,
    annotationSelector: str,
  }),
);

const patchSchema = once(() =>
  z.strictObject({
    path: str,
    patch: str,
    target: nullishLazy(selectorSchema),
    options: nullishLazy(() => z.strictObject({ allowNameChange: bool, allowKindChange: bool })),
  }),
);

const generatorOptionsSchema = once(() =>
  z.strictObject({
    labels: strMap,
    annotations: strMap,
    disableNameSuffixHash: bool,
    immutable: bool,
  }),
);

/** The fields of a `configMapGenerator:` or `secretGenerator:` entry. */
export const generatorFields = once(() => ({
  namespace: str,
  name: str,
  behavior: str,
  literals: strList,
  files: strList,
  envs: strList,
  env: str,
  options: nullishLazy(generatorOptionsSchema),
}));

const fieldOptionsSchema = once(() =>
  z.strictObject({
    delimiter: str,
    index: z.nullish(z.number().check(z.int())),
    encoding: str,
    create: bool,
  }),
);

export const replacementSchema = once(() =>
  z.strictObject({
    path: str,
    source: nullishLazy(() =>
      z.strictObject({
        ...gvkFields,
        name: str,
        namespace: str,
        fieldPath: str,
        options: nullishLazy(fieldOptionsSchema),
      }),
    ),
    sourceValue: str,
    targets: nullishLazy(() =>
      z.array(
        z.strictObject({
          select: nullishLazy(selectorSchema),
          reject: nullishLazy(() => z.array(selectorSchema())),
          fieldPaths: strList,
          options: nullishLazy(fieldOptionsSchema),
        }),
      ),
    ),
  }),
);

export const imageSchema = once(() =>
  z.strictObject({ name: str, newName: str, tagSuffix: str, newTag: str, digest: str }),
);

const varSchema = once(() =>
  z.strictObject({
    name: z.string(),
    objref: z.strictObject({ ...gvkFields, apiVersion: str, name: z.string(), namespace: str }),
    // kustomize decodes with Go's encoding/json, which matches field names case-insensitively; kubebuilder's scaffolds
    // write `fieldpath`.
    fieldref: z.nullish(z.strictObject({ fieldPath: str, fieldpath: str })),
  }),
);

/** The kustomization.yaml / Component document. */
export const KustomizationSchema = z.strictObject({
  apiVersion: str,
  kind: str,
  metadata: nullishLazy(() => z.strictObject({ name: str, namespace: str, labels: strMap, annotations: strMap })),
  openapi: strMap,
  namePrefix: str,
  nameSuffix: str,
  namespace: str,
  commonLabels: strMap,
  labels: nullishLazy(() =>
    z.array(
      z.strictObject({
        pairs: strMap,
        includeSelectors: bool,
        includeTemplates: bool,
        includeVolumeClaimTemplates: bool,
        fields: nullishLazy(() => z.array(fieldSpecSchema())),
      }),
    ),
  ),
  commonAnnotations: strMap,
  patchesStrategicMerge: strList,
  patchesJson6902: nullishLazy(() => z.array(patchSchema())),
  patches: nullishLazy(() => z.array(patchSchema())),
  images: nullishLazy(() => z.array(imageSchema())),
  imageTags: nullishLazy(() => z.array(imageSchema())),
  replacements: nullishLazy(() => z.array(replacementSchema())),
  replicas: nullishLazy(() => z.array(z.strictObject({ name: str, count: z.number().check(z.int()) }))),
  vars: nullishLazy(() => z.array(varSchema())),
  sortOptions: nullishLazy(() =>
    z.strictObject({
      order: str,
      legacySortOptions: nullishLazy(() => z.strictObject({ orderFirst: strList, orderLast: strList })),
    }),
  ),
  resources: strList,
  components: strList,
  crds: strList,
  bases: strList,
  configMapGenerator: nullishLazy(() => z.array(z.strictObject(generatorFields()))),
  secretGenerator: nullishLazy(() => z.array(z.strictObject({ ...generatorFields(), type: str }))),
  helmGlobals: z.optional(z.unknown()),
  helmCharts: z.optional(z.unknown()),
  helmChartInflationGenerator: z.optional(z.unknown()),
  generatorOptions: nullishLazy(generatorOptionsSchema),
  configurations: strList,
  generators: strList,
  transformers: strList,
  validators: strList,
  buildMetadata: strList,
});

/** A kustomization file as decoded (fields absent or null when unset). */
export type KustomizationFile = z.infer<typeof KustomizationSchema>;
export type SelectorSpec = z.infer<ReturnType<typeof selectorSchema>>;
export type PatchSpec = z.infer<ReturnType<typeof patchSchema>>;
export type ReplacementSpec = z.infer<ReturnType<typeof replacementSchema>>;
export type ImageSpec = z.infer<ReturnType<typeof imageSchema>>;
export type FieldSpecInput = z.infer<ReturnType<typeof fieldSpecSchema>>;
export type GeneratorOptionsSpec = z.infer<ReturnType<typeof generatorOptionsSchema>>;
export type VarSpec = z.infer<ReturnType<typeof varSchema>>;
