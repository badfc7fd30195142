import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvConfig } from '../core/config/env-config.js';
import { aggregateHealth, type ObjectHealth } from '../core/health/aggregate-health.js';
import { needsHealthWait } from '../core/health/health-kinds.js';
import { formatRef } from '../core/kube/object.js';
import { checkHealth } from '../worker/stages/deploy/wait-for-health.js';
import { ENVIRONMENTS_DIR, envFile } from '../worker/stages/read-environments.js';
import type { CommandIo } from './command-io.js';
import {
  environmentOnDisk,
  errorText,
  openScope,
  parseClusterArgs,
  releaseStoreFor,
  reportError,
  type CommandScope,
} from './cluster-options.js';
import { textTable } from './text-table.js';

export const STATUS_USAGE = `Usage: gantry status [--env E] [--kubeconfig FILE] [--context NAME] [--repo DIR]

For each environment of the repository in DIR (or only E): its last release (revision, commit, outcome) and the
live health of every object of that release the deploy waits on, by the same rules (workloads, LoadBalancer
Services, autoscalers, volume claims...; not ConfigMaps, Secrets and other kinds that have no status). Objects
that are not healthy are listed below the table with the reason. An environment whose env.yaml is invalid is
reported on stderr and left out of the table; the others are still shown.
Exit code 0 when every environment was read (whatever the health), 1 when one could not be.
`;

interface EnvironmentStatus {
  readonly env: EnvConfig;
  readonly row: string[];
  readonly unhealthy: readonly ObjectHealth[];
}

async function statusOf(scope: CommandScope, env: EnvConfig): Promise<EnvironmentStatus> {
  try {
    const [last] = await releaseStoreFor(scope, env).list();
    if (last === undefined)
      return { env, row: [env.name, env.namespace, '-', '-', 'never deployed', '-'], unhealthy: [] };
    const signal = new AbortController().signal;
    const health = aggregateHealth(
      await checkHealth(last.inventory.filter(needsHealthWait), scope.clusterFor(env), signal),
    );
    const summary = `${health.status} (${health.counts.Healthy}/${Object.values(health.counts).reduce((a, b) => a + b, 0)})`;
    return {
      env,
      row: [env.name, env.namespace, String(last.revision), last.commit.slice(0, 12), last.outcome, summary],
      unhealthy: health.unhealthy,
    };
  } catch (error) {
    throw new Error(`environment ${env.name} (namespace ${env.namespace})`, { cause: error });
  }
}

/** The environments to show, and the messages of those whose env.yaml could not be read. */
interface Selection {
  readonly envs: readonly EnvConfig[];
  readonly problems: readonly string[];
}

/**
 * Each environment on its own: one broken env.yaml must not hide the state of the others (the worker refuses the
 * whole set, because it deploys; status only reads).
 */
function selectEnvironments(root: string, only: string | undefined): Selection {
  const names = only !== undefined ? [only] : environmentNames(root);
  const envs: EnvConfig[] = [];
  const problems: string[] = [];
  for (const name of names) {
    try {
      envs.push(environmentOnDisk(root, name));
    } catch (error) {
      problems.push(errorText(error));
    }
  }
  return { envs, problems };
}

function environmentNames(root: string): string[] {
  const dir = join(root, ENVIRONMENTS_DIR);
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return entries.filter((name) => existsSync(join(root, envFile(name))));
}

/** `gantry status [--env E]`: one row per environment on stdout, unhealthy objects after it. */
export async function runStatus(args: readonly string[], io: CommandIo): Promise<number> {
  try {
    const parsed = parseClusterArgs(args, ['--env', '--kubeconfig', '--context', '--repo']);
    if (parsed.help) {
      io.stdout(STATUS_USAGE);
      return 0;
    }
    const scope = openScope(parsed, io);
    try {
      const { envs, problems } = selectEnvironments(scope.root, parsed.env);
      for (const problem of problems) io.stderr(`Error: ${problem}\n`);
      if (envs.length === 0 && problems.length > 0) return 1;
      const statuses: EnvironmentStatus[] = [];
      for (const env of envs) {
        io.stderr(`status ${env.name}: reading releases and health in ${env.namespace}\n`);
        statuses.push(await statusOf(scope, env));
      }
      io.stdout(
        textTable(
          ['environment', 'namespace', 'revision', 'commit', 'outcome', 'health'],
          statuses.map((s) => s.row),
        ),
      );
      for (const { env, unhealthy } of statuses)
        for (const { ref, health } of unhealthy)
          io.stdout(`  ${env.name}: ${formatRef(ref)}: ${health.status} ${health.reason}: ${health.message}\n`);
      return problems.length > 0 ? 1 : 0;
    } finally {
      scope.close();
    }
  } catch (error) {
    return reportError(io, 'status', error);
  }
}
