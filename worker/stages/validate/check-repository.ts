// Everything `gantry check` verifies in a repository of apps and environments, read through kustomize-ts's
// file-system port (a directory on disk for `gantry check`, a commit's tree for the worker's `gantry/validate`): each app.yaml and env.yaml on its
// own, each app's base rendered and held against its app.yaml, each environment's overlay rendered and kept in its
// namespace (core's check-render-namespace.ts, which the deploy stage runs too), and the files as a set. Nothing is printed here; check.ts does that.
import { parseDocument } from 'yaml';
import type { AppConfig } from '../../../core/config/app-config.js';
import { defaultAppConfig, parseAppConfig } from '../../../core/config/app-config.js';
import { APPS_DIR, appPaths, KUSTOMIZATION_FILES } from '../../../core/config/app-layout.js';
import { checkAppBase } from '../../../core/config/check-app-base.js';
import { checkRenderAutoscalers } from '../../../core/config/check-render-autoscalers.js';
import { checkRenderNamespace } from '../../../core/config/check-render-namespace.js';
import type { LoadedConfig } from '../../../core/config/check-config-set.js';
import { checkConfigSet } from '../../../core/config/check-config-set.js';
import { ConfigError } from '../../../core/config/config-error.js';
import type { EnvConfig } from '../../../core/config/env-config.js';
import { parseEnvConfig } from '../../../core/config/env-config.js';
import type { YamlParser } from '../../../core/config/parse-config-file.js';
import type { KubeObject } from '../../../core/kube/object.js';
import type { FileSystem } from '../../../kustomize/index.js';
import { FileSystemError, KustomizeError, renderKustomization } from '../../../kustomize/index.js';

/** The verdict on one app, environment, or directory that is neither. */
export interface CheckResult {
  /** The file (`apps/catalog/app.yaml`) or directory (`apps/boutique/`) as the user knows it. */
  readonly subject: string;
  /** `skip`: a directory that is not an app or an environment (shared components). */
  readonly status: 'ok' | 'fail' | 'skip';
  /** What was found, for the ok and skip lines. */
  readonly note: string;
  /** Every problem, each naming its file and field; non-empty exactly when `status` is `fail`. */
  readonly errors: readonly ConfigError[];
  /** A valid environment's config and render: what the apiserver's schema check of its manifests needs. */
  readonly environment?: { readonly config: EnvConfig; readonly objects: readonly KubeObject[] };
}

/** YAML as the pipeline reads config: one document, no duplicate keys, and warnings (unknown tags) are errors too. */
export const parseStrictYaml: YamlParser = (text) => {
  const doc = parseDocument(text);
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw problem;
  return doc.toJS({ maxAliasCount: 100 });
};

/** Checks the apps and environments of the repository `tree` (its root is the repository's). */
export function checkRepository(tree: FileSystem): CheckResult[] {
  const apps: LoadedConfig<AppConfig>[] = [];
  const environments: LoadedConfig<EnvConfig>[] = [];
  const results = [
    ...directories(tree, APPS_DIR).map((name) => checkApp(tree, name, apps)),
    ...directories(tree, 'environments').map((name) => checkEnvironment(tree, name, environments)),
  ];
  // Files that are fine alone can still clash with each other; those problems are reported on the file to edit.
  const setErrors = checkConfigSet(apps, environments);
  return results.map((result) => {
    const errors = [...result.errors, ...setErrors.filter((error) => error.file === result.subject)];
    return errors.length > 0 ? { ...result, status: 'fail', errors } : result;
  });
}

function checkApp(tree: FileSystem, name: string, loaded: LoadedConfig<AppConfig>[]): CheckResult {
  const paths = appPaths(name);
  const hasBase = KUSTOMIZATION_FILES.some((file) => tree.kind(`${paths.base}/${file}`) === 'file');
  const hasConfig = tree.kind(paths.config) === 'file';
  if (!hasBase && !hasConfig) {
    return { subject: `${paths.dir}/`, status: 'skip', note: 'no base/kustomization.yaml: not an app', errors: [] };
  }
  if (!hasBase) {
    return failed(paths.config, [
      new ConfigError(paths.config, [
        {
          path: '',
          message: `describes an app without a kustomize base: an app is a directory with ${paths.base}/kustomization.yaml; add the base, or move this directory out of ${APPS_DIR}/`,
        },
      ]),
    ]);
  }
  const subject = hasConfig ? paths.config : `${paths.dir}/`;
  const parsed = hasConfig
    ? attempt(() => parseAppConfig(readText(tree, paths.config), paths.config, parseStrictYaml))
    : { value: defaultAppConfig(name) };
  const rendered = render(tree, paths.base);
  const errors = [parsed.error, rendered.error].filter((error) => error !== undefined);
  if (parsed.value && rendered.value) {
    const issues = checkAppBase(parsed.value, paths.base, rendered.value);
    if (issues.length > 0) errors.push(new ConfigError(paths.config, issues));
  }
  if (errors.length > 0) return failed(subject, errors);
  const app = parsed.value as AppConfig;
  if (hasConfig) loaded.push({ file: paths.config, config: app });
  return { subject, status: 'ok', note: describeApp(app, hasConfig), errors: [] };
}

function checkEnvironment(tree: FileSystem, name: string, loaded: LoadedConfig<EnvConfig>[]): CheckResult {
  const file = `environments/${name}/env.yaml`;
  if (tree.kind(file) !== 'file') {
    return {
      subject: `environments/${name}/`,
      status: 'skip',
      note: 'no env.yaml: shared by environments, not one itself',
      errors: [],
    };
  }
  const parsed = attempt(() => parseEnvConfig(readText(tree, file), file, parseStrictYaml));
  const env = parsed.value;
  if (env === undefined) return failed(file, [parsed.error as ConfigError]);
  const overlay = `environments/${name}`;
  if (!KUSTOMIZATION_FILES.some((kustomization) => tree.kind(`${overlay}/${kustomization}`) === 'file')) {
    const message = `has no ${overlay}/kustomization.yaml next to it; an environment is an overlay plus env.yaml`;
    return failed(file, [new ConfigError(file, [{ path: '', message }])]);
  }
  // The same check the deploy stage runs on its render before applying anything.
  const rendered = render(tree, overlay);
  const errors = [
    rendered.error,
    rendered.value && checkRenderNamespace(rendered.value, env.namespace, { envFile: file, overlay }),
    rendered.value && checkRenderAutoscalers(rendered.value, overlay),
  ].filter((error) => error !== undefined);
  if (errors.length > 0) return failed(file, errors);
  loaded.push({ file, config: env });
  return {
    subject: file,
    status: 'ok',
    note: `follows ${env.branch}, deploys to ${env.namespace} on ${env.cluster.name}`,
    errors: [],
    environment: { config: env, objects: rendered.value ?? [] },
  };
}

function describeApp(app: AppConfig, hasConfig: boolean): string {
  if (!hasConfig) return 'no app.yaml: builds nothing, describes no workload';
  const builds =
    app.images.length > 0 ? `builds ${app.images.map((image) => image.repository).join(', ')}` : 'builds nothing';
  const describes =
    app.workloads.length > 0
      ? `describes ${app.workloads.map((workload) => `${workload.kind}/${workload.name}`).join(', ')}`
      : 'describes no workload';
  return `${builds}; ${describes}`;
}

/** Renders a kustomization; a failure becomes a ConfigError on the kustomization file (and field) to fix. */
function render(tree: FileSystem, dir: string): { value?: KubeObject[]; error?: ConfigError } {
  try {
    return { value: renderKustomization(tree, dir).objects as unknown as KubeObject[] };
  } catch (error) {
    if (error instanceof KustomizeError) {
      const issue = { path: error.field ?? '', message: `does not render: ${error.detail}` };
      return { error: new ConfigError(error.file, [issue], { cause: error }) };
    }
    // A file the port refuses (outside the repository, too large) before kustomize-ts can name the field.
    if (error instanceof FileSystemError) {
      const issue = { path: '', message: `does not render: ${error.message}` };
      return { error: new ConfigError(`${dir}/kustomization.yaml`, [issue], { cause: error }) };
    }
    throw error;
  }
}

function attempt<T>(parse: () => T): { value?: T; error?: ConfigError } {
  try {
    return { value: parse() };
  } catch (error) {
    if (error instanceof ConfigError) return { error };
    throw error;
  }
}

function failed(subject: string, errors: readonly ConfigError[]): CheckResult {
  return { subject, status: 'fail', note: '', errors };
}

function directories(tree: FileSystem, folder: string): string[] {
  if (tree.kind(folder) !== 'directory') return [];
  return tree.readDir(folder).filter((name) => tree.kind(`${folder}/${name}`) === 'directory');
}

function readText(tree: FileSystem, file: string): string {
  return new TextDecoder().decode(tree.readFile(file));
}
