import { formatRef } from '../core/kube/object.js';
import type { CommandIo } from './command-io.js';
import { changeTable } from './change-table.js';
import { openScope, parseClusterArgs, reportError, UsageError } from './cluster-options.js';
import { resolveRef } from '../adapters/git/index.js';
import { deployLocally } from './local-deploy.js';

export const APPLY_USAGE = `Usage: gantry apply --env E [--ref REF] [--kubeconfig FILE] [--context NAME] [--repo DIR]

Deploys environments/E at commit REF (default HEAD) of the repository in DIR exactly as the worker does: render,
validate (server-side dry run), record a release, apply, prune, wait for health, and roll back automatically when
env.yaml asks for it. Only committed files are deployed: a release must name the commit it came from.
Progress goes to stderr, the change table and outcome to stdout. Exit code 0 when the deploy succeeded, else 1.
`;

/** `gantry apply --env E [--ref REF]`: exit 0 when the environment ends healthy on the commit, else 1. */
export async function runApply(args: readonly string[], io: CommandIo): Promise<number> {
  try {
    const parsed = parseClusterArgs(args, ['--env', '--ref', '--kubeconfig', '--context', '--repo']);
    if (parsed.help) {
      io.stdout(APPLY_USAGE);
      return 0;
    }
    if (parsed.env === undefined) throw new UsageError(`--env is required\n\n${APPLY_USAGE}`);
    const scope = openScope(parsed, io);
    try {
      const sha = await resolveRef(scope.root, parsed.ref ?? 'HEAD');
      const result = await deployLocally(scope, io, {
        command: 'apply',
        environment: parsed.env,
        mode: 'apply',
        source: { kind: 'commit', sha },
      });
      if (result.changeSet !== undefined) io.stdout(changeTable(result.changeSet));
      const revision = result.revision === undefined ? '' : ` (revision ${result.revision})`;
      io.stdout(`environment ${result.environment}: ${result.outcome}${revision}: ${result.message}\n`);
      if (result.outcome === 'succeeded') return 0;
      const blamed = result.ref === undefined ? '' : ` ${formatRef(result.ref)}:`;
      io.stderr(
        `Error: environment ${result.environment}:${blamed} ${result.reason ?? result.outcome}: ${result.message}\n`,
      );
      return 1;
    } finally {
      scope.close();
    }
  } catch (error) {
    return reportError(io, 'apply', error);
  }
}
