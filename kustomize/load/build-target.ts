import { posix } from 'node:path';
import { KustomizeError, KustomizeFailure } from '../errors.js';
import { baseOf } from '../fs/paths.js';
import { ResMap, type ResMapAppender } from '../resource/res-map.js';
import { absorbGenerated } from '../transform/generators/absorb-generated.js';
import { generate, mergeGeneratorOptions, type GeneratedKind } from '../transform/generators/generate.js';
import { transformImages } from '../transform/images.js';
import { transformAnnotations, transformLabels, type LabelsEntry } from '../transform/labels.js';
import { transformNameAffix } from '../transform/name-affix.js';
import { transformNamespace } from '../transform/namespace.js';
import {
  applyPatchesField,
  applyPatchesJson6902,
  applyPatchesStrategicMerge,
  applyReplacementsField,
  type OpenApiChoice,
  type PatchContext,
} from '../transform/patches.js';
import { transformReplicas } from '../transform/replicas.js';
import { runBuiltinGenerator, runBuiltinTransformer } from '../transform/builtin-plugins.js';
import type { Resource } from '../resource/resource.js';
import {
  DEFAULT_TRANSFORMER_CONFIG,
  EMPTY_TRANSFORMER_CONFIG,
  mergeTransformerConfigs,
  parseTransformerConfig,
  type TransformerConfig,
} from '../transform/transformer-config.js';
import { crdTransformerConfig, parseCrdDefinitions } from '../transform/crd-config.js';
import { mergeVarLists, mergeVars, type Var } from '../transform/vars.js';
import { YamlError, parseYamlDocument } from '../yaml/parse-yaml.js';
import { OpenApiDocumentError, buildMergeKeyTable, scopesOfDocument } from '../patch/build-merge-key-table.js';
import type { MergeKeyTable } from '../patch/merge-key-table.js';
import { setSchemaScopes, type Scope } from '../resource/res-id.js';
import type { FileLoader } from './file-loader.js';
import { locate, readKustomization, refuseUnsupported, type Kustomization } from './read-kustomization.js';
import { readResources } from './read-resources.js';

/** What building a kustomization carries upwards besides resources (the rest of kustomize's ResAccumulator). */
export interface Accumulated {
  readonly config: TransformerConfig;
  readonly vars: readonly Var[];
}

/** The Kubernetes OpenAPI schema built into kustomize (kyaml's DefaultOpenAPI), the only `openapi.version` it accepts. */
export const DEFAULT_OPENAPI_VERSION = 'v1.21.2';

/** A custom OpenAPI schema (`openapi.path`): its merge keys, and the scopes its paths give kinds. */
interface CustomSchema {
  readonly table: MergeKeyTable;
  readonly scopes: ReadonlyMap<string, Scope>;
}

function loadCustomSchema(loader: FileLoader, path: string): CustomSchema {
  const text = loader.loadText(path);
  try {
    const document = parseYamlDocument(text, { dialect: 'go-yaml-v2' });
    const table = buildMergeKeyTable(document, '', path);
    return { table, scopes: scopesOfDocument(document as Record<string, unknown>) };
  } catch (error) {
    if (!(error instanceof YamlError) && !(error instanceof OpenApiDocumentError)) throw error;
    throw new KustomizeFailure('invalid-kustomization', `invalid schema file: ${error.message}`, { cause: error });
  }
}

/** Sets the origin of objects read from a file, replacing any they carry (kustomize's AnnotateAll). */
function setOrigin(resources: readonly Resource[], origin: string): void {
  for (const r of resources) r.setAnnotations({ ...r.getAnnotations(), [ORIGIN_ANNOTATION]: origin });
}

/** kustomize's annotation for a resource's origin (`buildMetadata: [originAnnotations]`). */
export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
/** kustomize's annotation listing the transformers that changed a resource (`buildMetadata: [transformerAnnotations]`). */
export const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';

const NOTHING_ACCUMULATED: Accumulated = { config: EMPTY_TRANSFORMER_CONFIG, vars: [] };

function mergeAccumulated(a: Accumulated, b: Accumulated): Accumulated {
  return { config: mergeTransformerConfigs(a.config, b.config), vars: mergeVarLists(a.vars, b.vars) };
}

/**
 * One kustomization being built (kustomize's KustTarget): it accumulates its resources (files, and the output of
 * nested kustomizations), runs its generators, folds in its components, then runs its transformers in kustomize's
 * fixed order over everything accumulated so far.
 */
export class BuildTarget {
  constructor(
    readonly loader: FileLoader,
    readonly kustomization: Kustomization,
  ) {}

  /** Reads the kustomization in a loader's directory. */
  static at(loader: FileLoader): BuildTarget {
    return new BuildTarget(loader, readKustomization(loader));
  }

  /**
   * Where this kustomization's directory lies relative to the top one, when the top one has `buildMetadata` (any of
   * it: kustomize then tracks each resource's origin, `config.kubernetes.io/origin`, and the transformers run on it,
   * and drops what was not asked for at the end); undefined otherwise.
   */
  origin: string | undefined;

  /**
   * The build's OpenAPI schema, shared by all its kustomizations as kustomize's is process-wide: the top
   * kustomization's `openapi` decides; if it has none, the first base or component that names one.
   */
  schema: OpenApiChoice = { chosen: false, table: undefined };

  /**
   * kustomize's openapi.SetSchema for this kustomization's `openapi:`: the top kustomization always applies its own
   * (`reset`), a base or component only while no schema is chosen. `version` must be kustomize's one builtin schema
   * (DEFAULT_OPENAPI_VERSION, where kustomize-ts's merge keys come from); `path` names a custom OpenAPI v2 document
   * (JSON or YAML) whose merge keys then replace the builtin ones for every later strategic merge.
   */
  applyOpenApi(reset: boolean): void {
    if (this.schema.chosen && !reset) return;
    const openapi = this.kustomization.spec.openapi ?? {};
    // kustomize reads `version` and `path` and ignores any other key; a misspelt one is refused here instead.
    const unknown = Object.keys(openapi).find((key) => key !== 'version' && key !== 'path');
    if (unknown !== undefined) {
      throw new KustomizeError(
        'invalid-kustomization',
        { file: this.file, field: `openapi.${unknown}` },
        `unknown key '${unknown}': openapi takes 'version' (a builtin schema) or 'path' (a custom schema file)`,
      );
    }
    const version = openapi['version'];
    const path = openapi['path'];
    if (path !== undefined) {
      if (version !== undefined) {
        throw new KustomizeError(
          'invalid-kustomization',
          { file: this.file, field: 'openapi' },
          'builtin version and custom schema provided, cannot use both',
        );
      }
      const custom = this.at('openapi.path', () => loadCustomSchema(this.loader, path));
      this.schema.chosen = true;
      this.schema.table = custom.table;
      setSchemaScopes(custom.scopes);
      return;
    }
    this.schema.chosen = (version ?? '') !== '';
    this.schema.table = undefined;
    setSchemaScopes(undefined);
    if (version !== undefined && version !== '' && version !== DEFAULT_OPENAPI_VERSION) {
      throw new KustomizeError(
        'invalid-kustomization',
        { file: this.file, field: 'openapi.version' },
        `the specified OpenAPI version is not built in (kustomize has ${DEFAULT_OPENAPI_VERSION})`,
      );
    }
  }

  /** A base or component directory, tracking origins when this kustomization does. */
  private childTarget(path: string): BuildTarget {
    const child = BuildTarget.at(this.loader.child(path));
    if (this.origin !== undefined) child.origin = posix.join(this.origin, path);
    child.schema = this.schema;
    child.applyOpenApi(false);
    return child;
  }

  /** Records where resources came from, unless they already say (kustomize's AddOriginAnnotation). */
  private annotateOrigin(resources: readonly Resource[], origin: string): void {
    for (const r of resources) {
      const annotations = r.getAnnotations();
      if (annotations[ORIGIN_ANNOTATION] === undefined)
        r.setAnnotations({ ...annotations, [ORIGIN_ANNOTATION]: origin });
    }
  }

  /**
   * kustomize's AddTransformerAnnotation, after each transformer when origins are tracked: a resource with an origin
   * gets the transformer appended to its list of transformations; one without is taken as the transformer's output.
   */
  private annotateTransformation(map: ResMap, origin: string): void {
    const item = `- ${origin.replace(/\n(?=.)/g, '\n  ')}`;
    for (const r of map.resources) {
      const annotations = r.getAnnotations();
      if (annotations[ORIGIN_ANNOTATION] === undefined) {
        r.setAnnotations({ ...annotations, [ORIGIN_ANNOTATION]: origin });
      } else {
        r.setAnnotations({
          ...annotations,
          [TRANSFORMATIONS_ANNOTATION]: (annotations[TRANSFORMATIONS_ANNOTATION] ?? '') + item,
        });
      }
    }
  }

  /** The origin of a transformer or generator this kustomization's own fields configure. */
  private builtinOrigin(kind: string): string {
    const file = posix.join(this.origin ?? '', baseOf(this.file));
    return `configuredIn: ${file}\nconfiguredBy:\n  apiVersion: builtin\n  kind: ${kind}\n`;
  }

  private get file(): string {
    return this.kustomization.file;
  }

  /**
   * Adds this kustomization's output to `map` (empty for a Kustomization, the parent's for a Component) and returns
   * the transformer configuration and vars accumulated with it: `inherited` (the parent's, for a Component), merged
   * with every base's and this kustomization's own `configurations:` and `vars:`, as kustomize's accumulator carries
   * them upwards.
   */
  accumulate(map: ResMap, inherited: Accumulated = NOTHING_ACCUMULATED): Accumulated {
    const spec = this.kustomization.spec;
    let acc = inherited;
    // Legacy `bases` are folded into the resource list; an error still names the field the user wrote.
    const own = (spec.resources ?? []).length;
    // Nothing changes the ids of what `map` holds until every resource is read, so one index of ids serves them all.
    const appender = map.appender();
    this.kustomization.resources.forEach((path, i) =>
      this.at(i < own ? `resources[${i}]` : `bases[${i - own}]`, () => {
        acc = this.accumulateResource(appender, path, acc);
      }),
    );
    acc = {
      ...acc,
      config: this.at('configurations', () => mergeTransformerConfigs(acc.config, this.ownTransformerConfig())),
    };
    if ((spec.crds ?? []).length > 0) acc = { ...acc, config: this.at('crds', () => this.mergeCrds(acc.config)) };
    this.runGenerators(map);
    (spec.components ?? []).forEach((path, i) =>
      this.at(`components[${i}]`, () => {
        acc = this.accumulateComponent(map, path, acc);
      }),
    );
    this.runTransformers(map, acc.config);
    refuseUnsupported(this.kustomization, 'validators');
    return { ...acc, vars: this.at('vars', () => mergeVars(map, acc.vars, spec.vars ?? [])) };
  }

  /**
   * kustomize's defaults merged with this kustomization's `configurations:` files, as kustomize does it: the files
   * merged in order into an empty configuration, and that merged into the defaults.
   */
  private ownTransformerConfig(): TransformerConfig {
    const paths = this.kustomization.spec.configurations ?? [];
    if (paths.length === 0) return DEFAULT_TRANSFORMER_CONFIG;
    const files = paths.map((path, i) =>
      this.at(`configurations[${i}]`, () => parseTransformerConfig(this.loader.loadText(path), path)),
    );
    const custom = files.reduce(
      (config, file, i) => this.at(`configurations[${i}]`, () => mergeTransformerConfigs(config, file)),
      EMPTY_TRANSFORMER_CONFIG,
    );
    try {
      return mergeTransformerConfigs(DEFAULT_TRANSFORMER_CONFIG, custom);
    } catch (error) {
      // A spec that conflicts with a default one: name the first file that has such a spec.
      files.forEach((file, i) =>
        this.at(`configurations[${i}]`, () => mergeTransformerConfigs(DEFAULT_TRANSFORMER_CONFIG, file)),
      );
      throw error;
    }
  }

  /**
   * kustomize's LoadConfigFromCRDs for this kustomization's legacy `crds:` files (transform/crd-config.ts): the field
   * specs their OpenAPI definitions declare, merged file by file, then into the configuration accumulated so far,
   * after `configurations:` and before the generators run, as kustomize does.
   */
  private mergeCrds(config: TransformerConfig): TransformerConfig {
    const paths = this.kustomization.spec.crds ?? [];
    // kustomize prefixes every failure with the whole list, as Go prints a []string.
    const loading = `loading CRDs [${paths.join(' ')}]`;
    let fromCrds = EMPTY_TRANSFORMER_CONFIG;
    paths.forEach((path, i) =>
      this.at(`crds[${i}]`, () => {
        try {
          const definitions = parseCrdDefinitions(this.loader.load(path), path);
          fromCrds = mergeTransformerConfigs(fromCrds, crdTransformerConfig(definitions));
        } catch (error) {
          if (!(error instanceof KustomizeFailure)) throw error;
          throw new KustomizeFailure(error.reason, `${loading}: ${error.message}`, { cause: error });
        }
      }),
    );
    try {
      return mergeTransformerConfigs(config, fromCrds);
    } catch (error) {
      if (!(error instanceof KustomizeFailure)) throw error;
      throw new KustomizeFailure(error.reason, `merging CRDs: ${error.message}`, { cause: error });
    }
  }

  /** Runs `fn`, turning any lower-level failure into a KustomizeError located at `field` of this kustomization. */
  at<T>(field: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      return locate(error, this.file, field);
    }
  }

  private accumulateResource(map: ResMapAppender, path: string, acc: Accumulated): Accumulated {
    const kind = this.loader.kindOf(path);
    if (kind === 'missing')
      throw new KustomizeFailure('missing-file', `accumulating resources: '${path}' does not exist`);
    if (kind === 'file') {
      const text = this.loader.loadText(path);
      let resources;
      try {
        resources = readResources(text);
      } catch (error) {
        if (error instanceof YamlError || error instanceof KustomizeFailure) {
          throw new KustomizeFailure('invalid-yaml', `accumulating resources from '${path}': ${error.message}`, {
            cause: error,
          });
        }
        throw error;
      }
      // kustomize's accumulateFile annotates every object of the file, replacing an origin the file wrote itself.
      if (this.origin !== undefined) setOrigin(resources, `path: ${posix.join(this.origin, path)}\n`);
      map.appendAll(resources);
      return acc;
    }
    const child = this.childTarget(path);
    if (child.kustomization.kind === 'Component') {
      throw new KustomizeError(
        'invalid-kustomization',
        { file: child.file, field: 'kind' },
        `expected kind != 'Component' for path '${path}' (a component belongs in components:, not resources:)`,
      );
    }
    const childMap = new ResMap();
    const childAcc = child.accumulate(childMap);
    map.appendAll(childMap.resources);
    return mergeAccumulated(acc, childAcc);
  }

  private accumulateComponent(map: ResMap, path: string, acc: Accumulated): Accumulated {
    if (this.loader.kindOf(path) === 'file') {
      throw new KustomizeFailure('invalid-kustomization', `component '${path}' must be a directory`);
    }
    const child = this.childTarget(path);
    if (child.kustomization.kind !== 'Component') {
      throw new KustomizeError(
        'invalid-kustomization',
        { file: child.file, field: 'kind' },
        `expected kind 'Component' for path '${path}' but got '${child.kustomization.kind}'`,
      );
    }
    return child.accumulate(map, acc);
  }

  private runGenerators(map: ResMap): void {
    refuseUnsupported(this.kustomization, 'generators');
    const spec = this.kustomization.spec;
    const run = (kind: GeneratedKind, field: string, list: readonly Parameters<typeof generate>[1][]): void => {
      list.forEach((args, i) =>
        this.at(`${field}[${i}]`, () => {
          const options = mergeGeneratorOptions(args.options, spec.generatorOptions);
          const generated = generate(kind, { ...args, options }, this.loader);
          if (this.origin !== undefined) this.annotateOrigin([generated], this.builtinOrigin(`${kind}Generator`));
          absorbGenerated(map, generated);
        }),
      );
    };
    run('ConfigMap', 'configMapGenerator', spec.configMapGenerator ?? []);
    run('Secret', 'secretGenerator', spec.secretGenerator ?? []);
    for (const { config, field } of this.pluginConfigs('generators')) {
      this.at(field, () => {
        const generated = runBuiltinGenerator(this.loader, config);
        if (this.origin !== undefined) this.annotateOrigin([generated], this.pluginOrigin(config));
        absorbGenerated(map, generated);
      });
    }
  }

  /**
   * The origin of what a plugin config made: the file holding the config, which {@link pluginConfigs} has written
   * into the config's own origin (this kustomization file, when inline).
   */
  private pluginOrigin(config: Resource): string {
    const own = /^path: (.*)$/m.exec(config.getAnnotations()[ORIGIN_ANNOTATION] ?? '')?.[1];
    const configuredIn = own ?? posix.join(this.origin ?? '', baseOf(this.file));
    const namespace = config.namespace ? `\n  namespace: ${config.namespace}` : '';
    return (
      `configuredIn: ${configuredIn}\nconfiguredBy:\n  apiVersion: ${config.apiVersion}\n  kind: ${config.kind}\n` +
      `  name: ${config.name}${namespace}\n`
    );
  }

  /**
   * The plugin configs a `generators:` or `transformers:` list names, as kustomize collects them: entries that parse
   * as objects are inline configs and come first; the others are files or kustomization directories, accumulated
   * like resources (a directory's output is its list of configs).
   */
  private pluginConfigs(list: 'generators' | 'transformers'): { config: Resource; field: string }[] {
    const entries = this.kustomization.spec[list] ?? [];
    const inline: { config: Resource; field: string }[] = [];
    const paths: { path: string; field: string }[] = [];
    entries.forEach((entry, i) => {
      const field = `${list}[${i}]`;
      let configs: Resource[] | undefined;
      try {
        configs = readResources(entry);
      } catch {
        configs = undefined;
      }
      if (configs === undefined || configs.length === 0) {
        paths.push({ path: entry, field });
        return;
      }
      // An inline config is configured in this kustomization file, whatever origin it says it has (kustomize sets it).
      if (this.origin !== undefined) setOrigin(configs, `path: ${posix.join(this.origin, baseOf(this.file))}\n`);
      inline.push(...configs.map((config) => ({ config, field })));
    });
    const fromPaths = paths.flatMap(({ path, field }) =>
      this.at(field, () => {
        const configs = new ResMap();
        this.accumulateResource(configs, path, NOTHING_ACCUMULATED);
        return configs.resources.map((config) => ({ config, field }));
      }),
    );
    return [...inline, ...fromPaths];
  }

  private runTransformers(map: ResMap, config: TransformerConfig): void {
    const spec = this.kustomization.spec;
    const ctx: PatchContext = { map, loader: this.loader, schema: this.schema };
    // kustomize records each builtin transformer it ran (buildMetadata: [transformerAnnotations]) right after it runs.
    const ran = (kind: string): void => {
      if (this.origin !== undefined) this.annotateTransformation(map, this.builtinOrigin(kind));
    };
    if ((spec.patchesStrategicMerge ?? []).length > 0) {
      this.at('patchesStrategicMerge', () => applyPatchesStrategicMerge(ctx, spec.patchesStrategicMerge ?? []));
      ran('PatchStrategicMergeTransformer');
    }
    (spec.patches ?? []).forEach((patch, i) => {
      this.at(`patches[${i}]`, () => applyPatchesField(ctx, patch));
      ran('PatchTransformer');
    });
    if (spec.namespace) {
      this.at('namespace', () => transformNamespace(map, spec.namespace ?? '', config.namespace));
      ran('NamespaceTransformer');
    }
    if (spec.namePrefix) {
      this.at('namePrefix', () => transformNameAffix(map, 'prefix', spec.namePrefix ?? '', config.namePrefix));
      ran('PrefixTransformer');
    }
    if (spec.nameSuffix) {
      this.at('nameSuffix', () => transformNameAffix(map, 'suffix', spec.nameSuffix ?? '', config.nameSuffix));
      ran('SuffixTransformer');
    }
    const labels: LabelsEntry[] = (spec.labels ?? []).map((l) => ({
      pairs: l.pairs ?? {},
      includeSelectors: l.includeSelectors ?? false,
      includeTemplates: l.includeTemplates ?? false,
      includeVolumeClaimTemplates: l.includeVolumeClaimTemplates ?? false,
      fields: (l.fields ?? []).map((f) => ({
        path: f.path ?? '',
        create: f.create ?? false,
        group: f.group ?? '',
        version: f.version ?? '',
        kind: f.kind ?? '',
      })),
    }));
    // kustomize runs one LabelTransformer per `labels` entry, then one for `commonLabels`, when either is set.
    const labelTransformers = labels.length > 0 || Object.keys(spec.commonLabels ?? {}).length > 0;
    for (const entry of labels) {
      this.at('labels', () => transformLabels(map, [entry], {}, config));
      if (labelTransformers) ran('LabelTransformer');
    }
    this.at('commonLabels', () => transformLabels(map, [], spec.commonLabels ?? {}, config));
    if (labelTransformers) ran('LabelTransformer');
    if (spec.commonAnnotations) {
      this.at('commonAnnotations', () =>
        transformAnnotations(map, spec.commonAnnotations ?? {}, config.commonAnnotations),
      );
      if (Object.keys(spec.commonAnnotations).length > 0) ran('AnnotationsTransformer');
    }
    (spec.patchesJson6902 ?? []).forEach((patch, i) => {
      this.at(`patchesJson6902[${i}]`, () => applyPatchesJson6902(ctx, patch));
      ran('PatchJson6902Transformer');
    });
    (spec.replicas ?? []).forEach((rule, i) => {
      this.at(`replicas[${i}]`, () => transformReplicas(map, rule, config.replicas));
      ran('ReplicaCountTransformer');
    });
    this.kustomization.images.forEach((rule, i) => {
      this.at(
        this.kustomization.spec.images && i < this.kustomization.spec.images.length ? `images[${i}]` : 'imageTags',
        () => transformImages(map, [rule], config.images),
      );
      ran('ImageTagTransformer');
    });
    if ((spec.replacements ?? []).length > 0) {
      this.at('replacements', () => applyReplacementsField(ctx, spec.replacements ?? []));
      ran('ReplacementTransformer');
    }
    for (const { config: plugin, field } of this.pluginConfigs('transformers')) {
      this.at(field, () => runBuiltinTransformer(map, this.loader, plugin, this.schema));
      if (this.origin !== undefined) this.annotateTransformation(map, this.pluginOrigin(plugin));
    }
  }
}
