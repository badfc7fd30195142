// Reads the repository's sample app.yaml and env.yaml files, as `gantry check` (worker/stages/validate/check-repository.ts) does.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { AppConfig } from '../../../core/config/app-config.js';
import { parseAppConfig } from '../../../core/config/app-config.js';
import type { LoadedConfig } from '../../../core/config/check-config-set.js';
import type { EnvConfig } from '../../../core/config/env-config.js';
import { parseEnvConfig } from '../../../core/config/env-config.js';
import { REPO_ROOT } from '../../platform/paths.js';

export { REPO_ROOT };

function configFiles(folder: string, fileName: string): string[] {
  return readdirSync(join(REPO_ROOT, folder), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(REPO_ROOT, folder, entry.name, fileName)))
    .map((entry) => `${folder}/${entry.name}/${fileName}`)
    .sort();
}

export function loadSampleApps(): LoadedConfig<AppConfig>[] {
  return configFiles('apps', 'app.yaml').map((file) => ({
    file,
    config: parseAppConfig(readFileSync(join(REPO_ROOT, file), 'utf8'), file, parse),
  }));
}

export function loadSampleEnvironments(): LoadedConfig<EnvConfig>[] {
  return configFiles('environments', 'env.yaml').map((file) => ({
    file,
    config: parseEnvConfig(readFileSync(join(REPO_ROOT, file), 'utf8'), file, parse),
  }));
}
