// The apps of a commit: every `apps/<name>/app.yaml`, parsed and checked, read from the commit's tree.
import { parse as parseYaml } from 'yaml';
import { parseAppConfig, type AppConfig } from '../../../core/config/app-config.js';
import { ConfigError } from '../../../core/config/config-error.js';
import type { CommitApp } from '../../../core/build/decide-builds.js';
import { APPS_DIR } from '../../../core/config/app-layout.js';
import { DeployError } from '../../../core/deploy-error.js';
import { Reason } from '../../../core/reasons.js';
import type { FileSystem } from '../../../kustomize/fs/file-system.js';

/**
 * Parsed app.yaml files by their text: a worker plans many commits in which most app.yaml files did not change, and
 * parsing 200 of them costs a few hundred milliseconds. Parsed configs are frozen, so sharing them is safe.
 */
const parsed = new Map<string, AppConfig>();
const MAX_CACHED = 5_000;

function parseCached(text: string, file: string): AppConfig {
  const key = `${file}\0${text}`;
  const hit = parsed.get(key);
  if (hit) return hit;
  const config = parseAppConfig(text, file, parseYaml);
  if (parsed.size >= MAX_CACHED) parsed.clear();
  parsed.set(key, config);
  return config;
}

/**
 * Every directory under `apps/` that holds an app.yaml (others, such as a README, are not apps).
 *
 * @throws DeployError (InvalidConfig, terminal) listing every app.yaml with problems
 */
export function readApps(tree: FileSystem): CommitApp[] {
  if (tree.kind(APPS_DIR) !== 'directory') return [];
  const apps: CommitApp[] = [];
  const errors: ConfigError[] = [];
  for (const name of tree.readDir(APPS_DIR)) {
    const dir = `${APPS_DIR}/${name}`;
    const file = `${dir}/app.yaml`;
    if (tree.kind(file) !== 'file') continue;
    try {
      const config = parseCached(new TextDecoder().decode(tree.readFile(file)), file);
      if (config.name !== name)
        throw new ConfigError(file, [
          { path: 'name', message: `is "${config.name}" but the directory is "${name}"; they must match` },
        ]);
      apps.push({ dir, config });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      errors.push(error);
    }
  }
  if (errors.length > 0)
    throw new DeployError(Reason.InvalidConfig, errors.map((error) => error.message).join('\n'), { cause: errors[0] });
  return apps;
}
