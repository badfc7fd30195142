// Validates every apps/*/app.yaml and environments/*/env.yaml (and how they fit together), printing one line per
// file. Exits 1 when anything is invalid, with each problem on its own line: file, field, what to write instead.
//
//   node --import tsx scripts/check-config.ts [repository-root]     (default: the current directory)
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { AppConfig } from '../core/config/app-config.js';
import { checkRenderNamespace } from '../core/config/check-render-namespace.js';
import { parseAppConfig } from '../core/config/app-config.js';
import type { LoadedConfig } from '../core/config/check-config-set.js';
import { checkConfigSet } from '../core/config/check-config-set.js';
import { ConfigError } from '../core/config/config-error.js';
import type { EnvConfig } from '../core/config/env-config.js';
import { parseEnvConfig } from '../core/config/env-config.js';
import type { YamlParser } from '../core/config/parse-config-file.js';
import type { KubeObject } from '../core/kube/object.js';
import { DiskFileSystem, FileSystemError, KustomizeError, renderKustomization } from '../kustomize/index.js';

/** YAML as the pipeline reads config: one document, no duplicate keys, and warnings (unknown tags) are errors too. */
const parseYaml: YamlParser = (text) => {
  const doc = parseDocument(text);
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw problem;
  return doc.toJS({ maxAliasCount: 100 });
};

interface Outcome {
  readonly file: string;
  readonly error?: ConfigError;
  readonly note: string;
  readonly skipped?: boolean;
}

async function main(root: string): Promise<number> {
  const outcomes: Outcome[] = [];
  const apps: LoadedConfig<AppConfig>[] = [];
  const environments: LoadedConfig<EnvConfig>[] = [];

  for (const name of await directories(root, 'apps')) {
    const file = `apps/${name}/app.yaml`;
    const text = await readOptional(join(root, file));
    if (text === undefined) {
      outcomes.push({
        file,
        error: new ConfigError(file, [
          { path: '', message: 'is missing; every directory under apps/ is an app and needs one' },
        ]),
        note: '',
      });
      continue;
    }
    const outcome = attempt(file, () => parseAppConfig(text, file, parseYaml));
    if (outcome.config) apps.push({ file, config: outcome.config });
    outcomes.push({
      file,
      error: outcome.error,
      note: outcome.config ? `image ${outcome.config.images.map((image) => image.repository).join(', ')}` : '',
    });
  }

  for (const name of await directories(root, 'environments')) {
    const file = `environments/${name}/env.yaml`;
    const text = await readOptional(join(root, file));
    if (text === undefined) {
      // platform/, components/: shared by environments, not environments themselves.
      outcomes.push({
        file: `environments/${name}/`,
        note: 'no env.yaml: shared by environments, not one itself',
        skipped: true,
      });
      continue;
    }
    const outcome = attempt(file, () => parseEnvConfig(text, file, parseYaml));
    const env = outcome.config;
    const overlayError = env ? await checkOverlayNamespace(root, name, env) : undefined;
    if (env && !overlayError) environments.push({ file, config: env });
    outcomes.push({
      file,
      error: outcome.error ?? overlayError,
      note: env ? `follows ${env.branch}, deploys to ${env.namespace} on ${env.cluster.name}` : '',
    });
  }

  // Files that are fine alone can still clash with each other; those problems are reported on the file to edit.
  const setErrors = new Map(checkConfigSet(apps, environments).map((error) => [error.file, error]));
  const results = outcomes.map((outcome) => ({ ...outcome, error: outcome.error ?? setErrors.get(outcome.file) }));

  for (const { file, error, note, skipped } of results) {
    console.log(`${error ? 'FAIL' : skipped ? 'skip' : 'ok  '}  ${file}${!error && note ? `  (${note})` : ''}`);
  }
  const errors = results.flatMap(({ error }) => (error ? [error] : []));
  if (!results.some((result) => !result.skipped)) {
    console.error(`no apps/*/app.yaml or environments/*/env.yaml under ${root}`);
    return 1;
  }
  for (const error of errors) console.error(`\n${error.message}`);
  return errors.length > 0 ? 1 : 0;
}

function attempt<T>(file: string, parse: () => T): { config?: T; error?: ConfigError } {
  try {
    return { config: parse() };
  } catch (error) {
    if (error instanceof ConfigError) return { error };
    throw new Error(`${file}: unexpected failure while checking it`, { cause: error });
  }
}

/**
 * The overlay must deploy where env.yaml says; the pipeline trusts env.yaml for namespaces, previews and pruning.
 * Rendered with kustomize-ts and checked by core's check, the one the deploy stage runs before applying anything.
 */
async function checkOverlayNamespace(root: string, name: string, env: EnvConfig): Promise<ConfigError | undefined> {
  const file = `environments/${name}/env.yaml`;
  const overlay = `environments/${name}`;
  if ((await readOptional(join(root, overlay, 'kustomization.yaml'))) === undefined)
    return new ConfigError(file, [
      {
        path: '',
        message: `has no ${overlay}/kustomization.yaml next to it; an environment is an overlay plus env.yaml`,
      },
    ]);
  let objects: readonly KubeObject[];
  try {
    objects = renderKustomization(new DiskFileSystem(root), overlay).objects as readonly KubeObject[];
  } catch (cause) {
    if (!(cause instanceof KustomizeError || cause instanceof FileSystemError)) throw cause;
    return new ConfigError(
      `${overlay}/kustomization.yaml`,
      [{ path: '', message: `does not render: ${cause.message}` }],
      {
        cause,
      },
    );
  }
  return checkRenderNamespace(objects, env.namespace, { envFile: file, overlay });
}

async function directories(root: string, folder: string): Promise<string[]> {
  try {
    const entries = await readdir(join(root, folder), { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

process.exitCode = await main(process.argv[2] ?? process.cwd());
