// Reading the environments' env.yaml files out of a commit's tree: the plan stage reads all of them to find which
// follow a branch, the deploy stage reads its own.
import { parse as parseYaml } from 'yaml';
import type { LoadedConfig } from '../../core/config/check-config-set.js';
import { checkConfigSet } from '../../core/config/check-config-set.js';
import { ConfigError } from '../../core/config/config-error.js';
import type { EnvConfig } from '../../core/config/env-config.js';
import { parseEnvConfig } from '../../core/config/env-config.js';
import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';
import type { FileSystem } from '../../kustomize/fs/file-system.js';

/** Where the environments live in a repository. */
export const ENVIRONMENTS_DIR = 'environments';

/** The env.yaml of environment `name`, relative to the repository root. */
export function envFile(name: string): string {
  return `${ENVIRONMENTS_DIR}/${name}/env.yaml`;
}

/**
 * Every environment of the commit: each directory under `environments/` that holds an env.yaml (others, such as
 * shared components, are not environments). Checked one by one and as a set (names match directories, no two
 * environments share a namespace).
 *
 * @throws DeployError (InvalidConfig, terminal) listing every file with problems
 */
export function readEnvironments(tree: FileSystem): LoadedConfig<EnvConfig>[] {
  if (tree.kind(ENVIRONMENTS_DIR) !== 'directory') return [];
  const loaded: LoadedConfig<EnvConfig>[] = [];
  const errors: ConfigError[] = [];
  for (const name of tree.readDir(ENVIRONMENTS_DIR)) {
    const file = envFile(name);
    if (tree.kind(file) !== 'file') continue;
    try {
      loaded.push({ file, config: parseEnvConfig(readText(tree, file), file, parseYaml) });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      errors.push(error);
    }
  }
  errors.push(...checkConfigSet([], loaded));
  if (errors.length > 0) throw invalidConfig(errors);
  return loaded;
}

/**
 * The env.yaml of one environment.
 *
 * @throws DeployError (InvalidConfig, terminal) when it is missing or invalid, or names another environment
 */
export function readEnvironment(tree: FileSystem, name: string): EnvConfig {
  const file = envFile(name);
  if (tree.kind(file) !== 'file') {
    throw new DeployError(
      Reason.InvalidConfig,
      `${file} does not exist in this commit: environment ${name} has no configuration here`,
    );
  }
  let env: EnvConfig;
  try {
    env = parseEnvConfig(readText(tree, file), file, parseYaml);
  } catch (error) {
    if (error instanceof ConfigError) throw invalidConfig([error]);
    throw error;
  }
  if (env.name !== name)
    throw new DeployError(
      Reason.InvalidConfig,
      `${file}: name: is "${env.name}" but the directory is "${name}"; they must match`,
    );
  return env;
}

function readText(tree: FileSystem, file: string): string {
  return new TextDecoder().decode(tree.readFile(file));
}

function invalidConfig(errors: readonly ConfigError[]): DeployError {
  return new DeployError(Reason.InvalidConfig, errors.map((error) => error.message).join('\n'), { cause: errors[0] });
}
