import type { EnvConfig } from '../core/config/env-config.js';
import { aggregateHealth, type ObjectHealth } from '../core/health/aggregate-health.js';
import { formatRef, type ObjectRef } from '../core/kube/object.js';
import { checkHealth } from '../worker/stages/deploy/wait-for-health.js';
import type { CommandIo } from './command-io.js';
import {
  environmentOnDisk,
  environmentsOnDisk,
  openScope,
  parseClusterArgs,
  releaseStoreFor,
  reportError,
  type CommandScope,
} from './cluster-options.js';
import { textTable } from './text-table.js';

export const STATUS_USAGE = `Usage: gantry status [--env E] [--kubeconfig FILE] [--context NAME] [--repo DIR]

For each environment of the repository in DIR (or only E): its last release (revision, commit, outcome) and the
live health of the workloads that release applied (Deployments, StatefulSets, DaemonSets, Jobs; the same rules the
deploy waits with). Objects that are not healthy are listed below the table with the reason.
Exit code 0 when the state was read (whatever the health), 1 on an error.
`;

/** The kinds whose health is read through their rollout (ReplicaSets and pods), as the deploy's wait does. */
const WORKLOADS: ReadonlySet<string> = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'batch/Job']);
const isWorkload = (ref: ObjectRef) => WORKLOADS.has(`${ref.group}/${ref.kind}`);

interface EnvironmentStatus {
  readonly row: string[];
  readonly unhealthy: readonly ObjectHealth[];
}

async function statusOf(scope: CommandScope, env: EnvConfig): Promise<EnvironmentStatus> {
  try {
    const [last] = await releaseStoreFor(scope, env).list();
    if (last === undefined) return { row: [env.name, env.namespace, '-', '-', 'never deployed', '-'], unhealthy: [] };
    const signal = new AbortController().signal;
    const health = aggregateHealth(await checkHealth(last.inventory.filter(isWorkload), scope.clusterFor(env), signal));
    const summary = `${health.status} (${health.counts.Healthy}/${Object.values(health.counts).reduce((a, b) => a + b, 0)})`;
    return {
      row: [env.name, env.namespace, String(last.revision), last.commit.slice(0, 12), last.outcome, summary],
      unhealthy: health.unhealthy,
    };
  } catch (error) {
    throw new Error(`environment ${env.name} (namespace ${env.namespace})`, { cause: error });
  }
}

/** `gantry status [--env E]`: one row per environment on stdout, unhealthy workloads after it. */
export async function runStatus(args: readonly string[], io: CommandIo): Promise<number> {
  try {
    const parsed = parseClusterArgs(args, ['--env', '--kubeconfig', '--context', '--repo']);
    if (parsed.help) {
      io.stdout(STATUS_USAGE);
      return 0;
    }
    const scope = openScope(parsed, io);
    try {
      const envs = parsed.env === undefined ? environmentsOnDisk(scope.root) : [environmentOnDisk(scope.root, parsed.env)];
      const statuses: EnvironmentStatus[] = [];
      for (const env of envs) {
        io.stderr(`status ${env.name}: reading releases and workloads in ${env.namespace}\n`);
        statuses.push(await statusOf(scope, env));
      }
      io.stdout(
        textTable(['environment', 'namespace', 'revision', 'commit', 'outcome', 'health'], statuses.map((s) => s.row)),
      );
      for (const [index, status] of statuses.entries())
        for (const { ref, health } of status.unhealthy)
          io.stdout(`  ${envs[index]?.name}: ${formatRef(ref)}: ${health.status} ${health.reason}: ${health.message}\n`);
      return 0;
    } finally {
      scope.close();
    }
  } catch (error) {
    return reportError(io, 'status', error);
  }
}
