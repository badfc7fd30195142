import { posix } from 'node:path';
import * as z from 'zod/mini';
import { KustomizeFailure } from '../errors.js';
import type { FileLoader } from '../load/file-loader.js';
import {
  fieldSpecSchema,
  imageSchema,
  replacementSchema,
  selectorSchema,
  generatorFields,
} from '../load/kustomization-schema.js';
import type { ResMap } from '../resource/res-map.js';
import { Resource } from '../resource/resource.js';
import { isJsonObject } from '../yaml/json-value.js';
import { YamlError, parseYamlDocuments } from '../yaml/parse-yaml.js';
import type { FieldSpec } from './field-spec.js';
import { addContentHashes } from './generators/content-hash.js';
import { generate, type GeneratedKind } from './generators/generate.js';
import { transformImages } from './images.js';
import { setMapEntries } from './labels.js';
import { transformNameAffix } from './name-affix.js';
import { transformNamespace } from './namespace.js';
import {
  applyPatchesField,
  applyPatchesJson6902,
  applyPatchesStrategicMerge,
  applyReplacementsField,
  type OpenApiChoice,
  type PatchContext,
} from './patches.js';
import { transformReplicas } from './replicas.js';
import { transformValueAdd } from './value-add.js';

/**
 * kustomize's builtin transformers and generators configured by a `transformers:` / `generators:` entry (an object
 * of `apiVersion: builtin`): the same code the kustomization fields run, with the field specs the config gives and
 * no defaults, as in kustomize. Plugins that run code are refused by {@link refuseExternal}.
 */

// The config schemas are built at the first `transformers:` or `generators:` entry a build meets, not with the module:
// most builds have none, and building them cost every cold `gantry render` process.
function buildSchemas() {
  const valueAddTarget = z.object({
    selector: z.nullish(selectorSchema()),
    fieldPath: z.nullish(z.string()),
    filePathPosition: z.nullish(z.number().check(z.int())),
  });

  // Unknown keys in a field spec are dropped too (a `name:` beside `kind:` in kubebuilder-era configs), not refused.
  const fieldSpecs = z.nullish(z.array(z.object(fieldSpecSchema().shape)));
  const strMap = z.nullish(z.record(z.string(), z.string()));
  const str = z.nullish(z.string());

  // Unknown fields are ignored, as kustomize's plugin configs are decoded leniently.
  const TRANSFORMERS = {
    LabelTransformer: z.object({ labels: strMap, fieldSpecs }),
    AnnotationsTransformer: z.object({ annotations: strMap, fieldSpecs }),
    PrefixSuffixTransformer: z.object({ prefix: str, suffix: str, fieldSpecs }),
    PrefixTransformer: z.object({ prefix: str, fieldSpecs }),
    SuffixTransformer: z.object({ suffix: str, fieldSpecs }),
    ImageTagTransformer: z.object({ imageTag: z.nullish(imageSchema()), fieldSpecs }),
    NamespaceTransformer: z.object({ metadata: z.nullish(z.object({ namespace: str })), fieldSpecs }),
    ReplicaCountTransformer: z.object({
      replica: z.object({ name: str, count: z.number().check(z.int()) }),
      fieldSpecs,
    }),
    PatchTransformer: z.object({
      path: str,
      patch: str,
      target: z.nullish(selectorSchema()),
      options: z.nullish(
        z.object({ allowNameChange: z.nullish(z.boolean()), allowKindChange: z.nullish(z.boolean()) }),
      ),
    }),
    PatchStrategicMergeTransformer: z.object({ paths: z.nullish(z.array(z.string())), patches: str }),
    PatchJson6902Transformer: z.object({ target: z.nullish(selectorSchema()), path: str, jsonOp: str }),
    ReplacementTransformer: z.object({ replacements: z.nullish(z.array(replacementSchema())) }),
    HashTransformer: z.object({}),
    ValueAddTransformer: z.object({
      value: str,
      targets: z.nullish(z.array(valueAddTarget)),
      targetFilePath: str,
    }),
  } as const;

  const GENERATORS = {
    ConfigMapGenerator: z.object({
      ...generatorFields(),
      metadata: z.nullish(z.object({ name: str, namespace: str })),
    }),
    SecretGenerator: z.object({
      ...generatorFields(),
      type: str,
      metadata: z.nullish(z.object({ name: str, namespace: str })),
    }),
    IAMPolicyGenerator: z.object({
      cloud: str,
      kubernetesService: z.nullish(z.object({ name: str, namespace: str })),
      serviceAccount: z.nullish(z.object({ name: str, projectId: str })),
    }),
  } as const;
  const valueAddFile = z.nullish(z.object({ targets: z.nullish(z.array(valueAddTarget)) }));
  return { TRANSFORMERS, GENERATORS, valueAddFile, fieldSpecs };
}

let builtSchemas: ReturnType<typeof buildSchemas> | undefined;
function schemas(): ReturnType<typeof buildSchemas> {
  return (builtSchemas ??= buildSchemas());
}

/** Builtin kinds kustomize has that kustomize-ts does not run (each needs what a pure renderer has not). */
const REFUSED_BUILTINS: Readonly<Record<string, string>> = {
  HelmChartInflationGenerator: 'it runs helm; render the chart with `helm template` and list the output in resources',
};

/** What decoding gives for a config kind's schema. */
type ConfigOf<T extends z.ZodMiniType> = z.infer<T>;

function decode<T extends z.ZodMiniType>(schema: T, config: Resource): ConfigOf<T> {
  const parsed = schema.safeParse(config.obj);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new KustomizeFailure(
    'invalid-kustomization',
    `plugin ${describe(config)} fails configuration: ${issue?.path.join('.') || '(top level)'}: ${issue?.message ?? 'invalid'}`,
  );
}

function describe(config: Resource): string {
  return `${config.kind}.${config.apiVersion}/${config.name}`;
}

function specsOf(list: ConfigOf<ReturnType<typeof schemas>['fieldSpecs']>): FieldSpec[] {
  return (list ?? []).map((s) => ({
    path: s.path ?? '',
    create: s.create ?? false,
    ...(s.group ? { group: s.group } : {}),
    ...(s.version ? { version: s.version } : {}),
    ...(s.kind ? { kind: s.kind } : {}),
  }));
}

/**
 * Refuses a config that is not a builtin kustomize-ts runs in this role, with kustomize's cause and what to do
 * instead. (kustomize has a SortOrderTransformer for its own `sortOptions`, but cannot load it from a config: it is
 * an unknown builtin there too.)
 */
function refuseExternal(config: Resource, role: 'transformer' | 'generator'): void {
  if (config.apiVersion === 'builtin') {
    const { TRANSFORMERS, GENERATORS } = schemas();
    const [kinds, others] = role === 'transformer' ? [TRANSFORMERS, GENERATORS] : ([GENERATORS, TRANSFORMERS] as const);
    if (Object.hasOwn(kinds, config.kind)) return;
    const why = REFUSED_BUILTINS[config.kind];
    if (why !== undefined) {
      throw new KustomizeFailure('not-supported', `builtin ${config.kind} is not supported by kustomize-ts: ${why}`);
    }
    if (Object.hasOwn(others, config.kind)) {
      throw new KustomizeFailure(
        'invalid-kustomization',
        `plugin ${config.kind}.builtin.[noGrp]/${config.name}.${config.namespace || '[noNs]'} not a ${role}`,
      );
    }
    throw new KustomizeFailure('invalid-kustomization', `unable to load builtin ${config.kind}.builtin.[noGrp]`);
  }
  // exec and Go plugins, and KRM functions (containers, exec, starlark): kustomize itself refuses them unless
  // plugins are enabled; kustomize-ts never runs code from a repository.
  throw new KustomizeFailure(
    'not-supported',
    `external plugins disabled; unable to load external plugin '${config.kind}': plugins that run code (exec, Go, ` +
      'KRM functions) are not supported by kustomize-ts; run the plugin in CI and commit its output, or configure a ' +
      'builtin transformer or generator instead',
  );
}

/** Decodes a ValueAddTransformer config (its targets inline and from `targetFilePath`) and runs it. */
function runValueAdd(map: ResMap, loader: FileLoader, config: Resource): void {
  const c = decode(schemas().TRANSFORMERS.ValueAddTransformer, config);
  const invalid = (why: string): KustomizeFailure =>
    new KustomizeFailure(
      'invalid-kustomization',
      `plugin ${config.kind}.builtin.[noGrp]/${config.name}.${config.namespace || '[noNs]'} fails configuration: ${why}`,
    );
  let value = (c.value ?? '').trim();
  if (value === '') {
    // kustomize takes the base name of the kustomization's directory, which the file system's own root has not here.
    if (loader.root === '') {
      throw new KustomizeFailure(
        'not-supported',
        'ValueAddTransformer without a value takes the name of the kustomization directory, which kustomize-ts ' +
          'cannot know for the root of the tree it reads; give the value',
      );
    }
    value = posix.basename(loader.root);
  }
  const targets = [...(c.targets ?? [])];
  if (c.targetFilePath) {
    let doc;
    try {
      doc = parseYamlDocuments(loader.loadText(c.targetFilePath), { dialect: 'go-yaml-v2' })[0];
    } catch (error) {
      if (!(error instanceof YamlError)) throw error;
      throw invalid(`${c.targetFilePath}: ${error.message}`);
    }
    const parsed = schemas().valueAddFile.safeParse(doc);
    if (!parsed.success) throw invalid(`${c.targetFilePath}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    targets.push(...(parsed.data?.targets ?? []));
  }
  if (targets.length === 0) throw invalid('must specify at least one target');
  for (const target of targets) {
    if (!target.fieldPath) throw invalid('fieldPath cannot be empty');
    const position = target.filePathPosition ?? 0;
    if (position < 0) throw invalid(`value of FilePathPosition (${position}) cannot be negative`);
  }
  transformValueAdd(
    map,
    value,
    targets.map((t) => ({
      selector: t.selector,
      fieldPath: t.fieldPath ?? '',
      filePathPosition: t.filePathPosition ?? 0,
    })),
  );
}

/** Runs one `transformers:` config over the resources accumulated so far. */
export function runBuiltinTransformer(map: ResMap, loader: FileLoader, config: Resource, schema?: OpenApiChoice): void {
  refuseExternal(config, 'transformer');
  const ctx: PatchContext = { map, loader, ...(schema === undefined ? {} : { schema }) };
  switch (config.kind) {
    case 'LabelTransformer': {
      const c = decode(schemas().TRANSFORMERS.LabelTransformer, config);
      setMapEntries(map, c.labels ?? {}, specsOf(c.fieldSpecs));
      return;
    }
    case 'AnnotationsTransformer': {
      const c = decode(schemas().TRANSFORMERS.AnnotationsTransformer, config);
      setMapEntries(map, c.annotations ?? {}, specsOf(c.fieldSpecs));
      return;
    }
    case 'PrefixSuffixTransformer':
    case 'PrefixTransformer':
    case 'SuffixTransformer': {
      const c = decode(schemas().TRANSFORMERS.PrefixSuffixTransformer, config);
      const specs = specsOf(c.fieldSpecs);
      if (config.kind !== 'SuffixTransformer') transformNameAffix(map, 'prefix', c.prefix ?? '', specs);
      if (config.kind !== 'PrefixTransformer') transformNameAffix(map, 'suffix', c.suffix ?? '', specs);
      return;
    }
    case 'ImageTagTransformer': {
      const c = decode(schemas().TRANSFORMERS.ImageTagTransformer, config);
      transformImages(map, c.imageTag ? [c.imageTag] : [], specsOf(c.fieldSpecs));
      return;
    }
    case 'NamespaceTransformer': {
      const c = decode(schemas().TRANSFORMERS.NamespaceTransformer, config);
      transformNamespace(map, c.metadata?.namespace ?? '', specsOf(c.fieldSpecs));
      return;
    }
    case 'ReplicaCountTransformer': {
      const c = decode(schemas().TRANSFORMERS.ReplicaCountTransformer, config);
      transformReplicas(map, c.replica, specsOf(c.fieldSpecs));
      return;
    }
    case 'PatchTransformer': {
      const c = decode(schemas().TRANSFORMERS.PatchTransformer, config);
      applyPatchesField(ctx, { path: c.path, patch: c.patch, target: c.target, options: c.options });
      return;
    }
    case 'PatchStrategicMergeTransformer': {
      const c = decode(schemas().TRANSFORMERS.PatchStrategicMergeTransformer, config);
      applyPatchesStrategicMerge(ctx, [...(c.paths ?? []), ...(c.patches ? [c.patches] : [])]);
      return;
    }
    case 'PatchJson6902Transformer': {
      const c = decode(schemas().TRANSFORMERS.PatchJson6902Transformer, config);
      applyPatchesJson6902(ctx, { target: c.target, path: c.path, patch: c.jsonOp });
      return;
    }
    case 'ReplacementTransformer': {
      const c = decode(schemas().TRANSFORMERS.ReplacementTransformer, config);
      applyReplacementsField(ctx, c.replacements ?? []);
      return;
    }
    case 'HashTransformer':
      addContentHashes(map);
      return;
    case 'ValueAddTransformer':
      runValueAdd(map, loader, config);
      return;
  }
}

/**
 * kustomize's IAMPolicyGenerator: for `cloud: gke` (the only cloud it knows), a ServiceAccount named
 * `kubernetesService.name` (in `kubernetesService.namespace`, if given) annotated with the Google service account it
 * acts as (`iam.gke.io/gcp-service-account: <serviceAccount.name>@<projectId>.iam.gserviceaccount.com`). kustomize
 * writes the values into a YAML text and parses it, so a value that breaks that YAML fails as it does there.
 */
function generateIamPolicy(config: Resource): Resource {
  const c = decode(schemas().GENERATORS.IAMPolicyGenerator, config);
  const cloud = c.cloud ?? '';
  if (cloud !== 'gke') throw new KustomizeFailure('generator-failed', `cloud provider ${cloud} not supported yet`);
  const service = c.kubernetesService ?? {};
  const account = c.serviceAccount ?? {};
  let text =
    '\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n' +
    `    iam.gke.io/gcp-service-account: ${account.name ?? ''}@${account.projectId ?? ''}.iam.gserviceaccount.com\n` +
    `  name: ${service.name ?? ''}\n`;
  if (service.namespace) text += `\n  namespace: ${service.namespace}`;
  let docs;
  try {
    docs = parseYamlDocuments(text);
  } catch (error) {
    if (!(error instanceof YamlError)) throw error;
    throw new KustomizeFailure('generator-failed', error.message, { cause: error });
  }
  const obj = docs[0];
  const metadata = isJsonObject(obj) ? obj['metadata'] : undefined;
  const name = isJsonObject(metadata) ? metadata['name'] : undefined;
  // A name that reads as a number or a boolean stays one, as kustomize prints it (`name: 123`).
  if (docs.length !== 1 || !isJsonObject(obj) || name === undefined || name === null || name === '') {
    throw new KustomizeFailure(
      'generator-failed',
      `missing metadata.name in the ServiceAccount IAMPolicyGenerator ${config.name} makes (kubernetesService.name)`,
    );
  }
  return new Resource(obj);
}

/** The resource one `generators:` config makes. */
export function runBuiltinGenerator(loader: FileLoader, config: Resource): Resource {
  refuseExternal(config, 'generator');
  if (config.kind === 'IAMPolicyGenerator') return generateIamPolicy(config);
  const kind: GeneratedKind = config.kind === 'SecretGenerator' ? 'Secret' : 'ConfigMap';
  const c = decode(
    kind === 'Secret' ? schemas().GENERATORS.SecretGenerator : schemas().GENERATORS.ConfigMapGenerator,
    config,
  );
  // The generator's own `name`/`namespace` (its arguments, inline) win; the config's metadata fills in what they
  // leave empty, as kustomize's ConfigMapGenerator and SecretGenerator plugins do.
  return generate(
    kind,
    { ...c, name: c.name || c.metadata?.name, namespace: c.namespace || c.metadata?.namespace },
    loader,
  );
}
