import type { Release } from '../core/release/release.js';
import type { CommandIo } from './command-io.js';
import {
  environmentOnDisk,
  openScope,
  parseClusterArgs,
  releaseStoreFor,
  reportError,
  UsageError,
} from './cluster-options.js';
import { textTable } from './text-table.js';

export const HISTORY_USAGE = `Usage: gantry history --env E [--kubeconfig FILE] [--context NAME] [--repo DIR]

Lists environment E's releases as the cluster records them, newest first: revision, commit, outcome, start and
finish times, when a later deploy that changed nothing last found it in place (verified), and why a release failed.
The environment's namespace comes from environments/E/env.yaml in DIR (default: the git repository holding the
current directory). The cluster is the one env.yaml's cluster.context names (--context overrides it) in the
kubeconfig (--kubeconfig, else KUBECONFIG, else ~/.kube/config).
`;

/** The history table's columns. */
export const HISTORY_COLUMNS = ['revision', 'commit', 'outcome', 'started', 'finished', 'verified', 'reason'];

/** One release as a table row (the columns of {@link HISTORY_COLUMNS}); a rollback says which revision it restored. */
export function historyRow(release: Release): string[] {
  const why = [
    release.reason,
    release.rollbackOf === undefined ? undefined : `rolled back to revision ${release.rollbackOf}`,
  ]
    .filter((part) => part !== undefined)
    .join('; ');
  return [
    String(release.revision),
    release.commit.slice(0, 12),
    release.outcome,
    release.startedAt,
    release.finishedAt ?? '-',
    release.verifiedAt ?? '-',
    why === '' ? '-' : why,
  ];
}

/** `gantry history --env E`: the release table on stdout, exit 0; or an error naming the environment, exit 1. */
export async function runHistory(args: readonly string[], io: CommandIo): Promise<number> {
  try {
    const parsed = parseClusterArgs(args, ['--env', '--kubeconfig', '--context', '--repo']);
    if (parsed.help) {
      io.stdout(HISTORY_USAGE);
      return 0;
    }
    if (parsed.env === undefined) throw new UsageError(`--env is required\n\n${HISTORY_USAGE}`);
    const scope = openScope(parsed, io);
    try {
      const env = environmentOnDisk(scope.root, parsed.env);
      const releases = await releaseStoreFor(scope, env)
        .list()
        .catch((error: unknown) => {
          throw new Error(`environment ${env.name}: reading releases in namespace ${env.namespace}`, { cause: error });
        });
      if (releases.length === 0) io.stderr(`environment ${env.name}: no releases in namespace ${env.namespace}\n`);
      else io.stdout(textTable(HISTORY_COLUMNS, releases.map(historyRow)));
      return 0;
    } finally {
      scope.close();
    }
  } catch (error) {
    return reportError(io, 'history', error);
  }
}
