import type { AppConfig } from './app-config.js';
import type { ConfigIssue } from './config-error.js';
import { ConfigError } from './config-error.js';
import type { EnvConfig } from './env-config.js';
import { canaryTimeoutProblem, resolveRollout } from './resolve-rollout.js';

/** A parsed config and the file it came from (relative to the repository root). */
export interface LoadedConfig<T> {
  readonly file: string;
  readonly config: T;
}

/**
 * The checks that need more than one file: names that must match directories or be unique, two environments
 * fighting over one namespace, two previews for one pull request, and canaries an environment cannot route or
 * cannot finish within its rollout timeout. Each problem is reported on the file to edit.
 *
 * @returns one error per file with problems, ordered by file; empty when the set is consistent
 */
export function checkConfigSet(
  apps: readonly LoadedConfig<AppConfig>[],
  environments: readonly LoadedConfig<EnvConfig>[],
): ConfigError[] {
  const issues = new Map<string, ConfigIssue[]>();
  const report = (file: string, path: string, message: string): void => {
    issues.set(file, [...(issues.get(file) ?? []), { path, message }]);
  };

  checkNamesMatchDirectories(apps, 'apps', report);
  checkNamesMatchDirectories(environments, 'environments', report);
  checkUniqueImages(apps, report);
  checkUnique(
    environments,
    (env) => `${env.cluster.name}/${env.cluster.context ?? ''}/${env.namespace}`,
    'namespace',
    'deploys to the same namespace of the same cluster, so each would prune the other',
    report,
  );
  checkPreviews(environments, report);
  checkCanaries(apps, environments, report);

  return [...issues.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, list]) => new ConfigError(file, list));
}

type Report = (file: string, path: string, message: string) => void;

function checkNamesMatchDirectories(
  loaded: readonly LoadedConfig<{ readonly name: string }>[],
  root: string,
  report: Report,
): void {
  for (const { file, config } of loaded) {
    const directory = file.split('/').slice(-2, -1)[0];
    if (directory !== undefined && directory !== config.name) {
      report(
        file,
        'name',
        `is "${config.name}" but the directory is "${directory}"; they must match (the pipeline finds ${root} by directory)`,
      );
    }
  }
}

function checkUnique<T>(
  loaded: readonly LoadedConfig<T>[],
  key: (config: T) => string,
  path: string,
  clash: string,
  report: Report,
): void {
  const first = new Map<string, string>();
  for (const { file, config } of loaded) {
    const value = key(config);
    const owner = first.get(value);
    if (owner === undefined) first.set(value, file);
    else report(file, path, `${clash} as ${owner}; choose another`);
  }
}

/** Two apps pushing to one repository would overwrite each other's tags. */
function checkUniqueImages(apps: readonly LoadedConfig<AppConfig>[], report: Report): void {
  const first = new Map<string, string>();
  for (const { file, config } of apps) {
    config.images.forEach((image, index) => {
      const owner = first.get(image.repository);
      if (owner === undefined) first.set(image.repository, file);
      else
        report(
          file,
          `${image.field ?? `images[${index}]`}.repository`,
          `pushes to the same repository as ${owner}; choose another`,
        );
    });
  }
}

function checkPreviews(environments: readonly LoadedConfig<EnvConfig>[], report: Report): void {
  const byBranch = new Map<string, string>();
  for (const { file, config } of environments) {
    if (!config.preview.enabled) continue;
    const owner = byBranch.get(config.branch);
    if (owner !== undefined) {
      report(
        file,
        'preview.enabled',
        `is true, as in ${owner} which follows the same branch (${config.branch}); a pull request gets one preview, so enable it in one of them`,
      );
    } else byBranch.set(config.branch, file);
    const prefix = config.preview.namespacePrefix;
    for (const other of environments) {
      const sameCluster =
        other.config.cluster.name === config.cluster.name && other.config.cluster.context === config.cluster.context;
      if (
        sameCluster &&
        other.config.namespace.startsWith(prefix) &&
        /^\d+$/.test(other.config.namespace.slice(prefix.length))
      ) {
        report(
          file,
          'preview.namespacePrefix',
          `("${prefix}") would name a preview "${other.config.namespace}", the namespace of ${other.file}; choose another prefix`,
        );
      }
    }
  }
}

function checkCanaries(
  apps: readonly LoadedConfig<AppConfig>[],
  environments: readonly LoadedConfig<EnvConfig>[],
  report: Report,
): void {
  for (const env of environments) {
    for (const app of apps) {
      for (const workload of app.config.workloads) {
        const rollout = resolveRollout(workload, env.config);
        const what = `${app.file} (${workload.kind}/${workload.name})`;
        if (rollout.kind === 'unroutable') {
          const needed =
            rollout.missing === 'traffic.gateway'
              ? 'the Gateway its HTTPRoutes attach to ({ name, namespace })'
              : 'the App Mesh mesh name';
          report(
            env.file,
            rollout.missing,
            `is required: ${what} is canaried through ${rollout.provider} here; add ${rollout.missing}, ${needed}`,
          );
        } else if (rollout.kind === 'canary') {
          const problem = canaryTimeoutProblem(rollout.canary, env.config, what);
          if (problem) report(env.file, 'rollout.timeout', problem);
        }
      }
    }
  }
}
