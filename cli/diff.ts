import type { CommandIo } from './command-io.js';
import { changeTable, hasChanges } from './change-table.js';
import { openScope, parseClusterArgs, reportError, UsageError } from './cluster-options.js';
import { resolveRef } from '../adapters/git/index.js';
import { deployLocally } from './local-deploy.js';

export const DIFF_USAGE = `Usage: gantry diff --env E [--ref REF] [--kubeconfig FILE] [--context NAME] [--repo DIR]

Renders environments/E and shows what applying it would change in the cluster, object by object (server-side
dry run, nothing applied). Without --ref the files on disk are rendered (uncommitted changes included); with
--ref, that commit of the repository in DIR (default: the git repository holding the current directory).

Exit code: 0 no changes, 2 changes, 1 an error (invalid manifests, cluster unreachable...). kubectl diff uses 1
for "changes"; gantry keeps 1 for errors so scripts can tell the two apart.
`;

/** `gantry diff --env E [--ref REF]`: the change table on stdout; exit 0 (none), 2 (changes) or 1 (error). */
export async function runDiff(args: readonly string[], io: CommandIo): Promise<number> {
  try {
    const parsed = parseClusterArgs(args, ['--env', '--ref', '--kubeconfig', '--context', '--repo']);
    if (parsed.help) {
      io.stdout(DIFF_USAGE);
      return 0;
    }
    if (parsed.env === undefined) throw new UsageError(`--env is required\n\n${DIFF_USAGE}`);
    const scope = openScope(parsed, io);
    try {
      const source =
        parsed.ref === undefined
          ? ({ kind: 'working-tree', headSha: await resolveRef(scope.root, 'HEAD') } as const)
          : ({ kind: 'commit', sha: await resolveRef(scope.root, parsed.ref) } as const);
      const result = await deployLocally(scope, io, {
        command: 'diff',
        environment: parsed.env,
        mode: 'dry-run',
        source,
      });
      if (result.outcome !== 'succeeded' || result.changeSet === undefined) {
        io.stderr(`Error: environment ${parsed.env}: ${result.message}\n`);
        return 1;
      }
      io.stdout(changeTable(result.changeSet));
      return hasChanges(result.changeSet) ? 2 : 0;
    } finally {
      scope.close();
    }
  } catch (error) {
    return reportError(io, 'diff', error);
  }
}
