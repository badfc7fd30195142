import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { pino, type Logger } from 'pino';
import { NULL_SHA, type DeployRequest } from '../core/deploy/deploy-request.js';
import { releaseKind } from '../core/release/release.js';
import { Reason } from '../core/reasons.js';
import type { FailedAttempt } from '../core/rollback/decide-rollback.js';
import { DeployRun } from '../worker/stages/deploy/deploy-run.js';
import type { DeployProgress } from '../worker/stages/deploy/deploy-progress.js';
import type { CommitSource, DeployStep } from '../worker/stages/deploy/deploy-types.js';
import { rollBack } from '../worker/stages/deploy/roll-back.js';
import { memoryProgress } from '../worker/stages/stage-context.js';
import type { CommandIo } from './command-io.js';
import { reportRollback, rollbackReporting, type RollbackDone, type RollbackReporting } from './report-rollback.js';
import { COMMIT_PREFIX, pickTarget } from './rollback-target.js';
import {
  environmentOnDisk,
  openScope,
  parseClusterArgs,
  releaseStoreFor,
  reportError,
  UsageError,
} from './cluster-options.js';

export const ROLLBACK_USAGE = `Usage: gantry rollback --env E [--to SHA] [--kubeconfig FILE] [--context NAME] [--repo DIR]

Puts environment E back to an earlier succeeded release: its stored manifests (never a re-render of its commit)
are re-applied, what the current release added is pruned, and the workloads are awaited, exactly as the worker's
automatic rollback does. The rollback is recorded as a release of its own ("rolled back to revision N").
--to picks the newest succeeded release whose commit starts with SHA; without it, the newest succeeded release
older than the current one. Exit code 0 when the environment is back and healthy, else 1.
`;

/** Rollbacks read only the release store; a CommitSource that is never called keeps the deploy deps complete. */
const NO_GIT: CommitSource = {
  fetch: async () => {
    throw new Error('a rollback reads no commit');
  },
};

/** `gantry rollback --env E [--to SHA]`: exit 0 when the chosen release is back and healthy, else 1. */
export async function runRollback(
  args: readonly string[],
  io: CommandIo,
  processEnv: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    const parsed = parseClusterArgs(args, ['--env', '--to', '--kubeconfig', '--context', '--repo']);
    if (parsed.help) {
      io.stdout(ROLLBACK_USAGE);
      return 0;
    }
    if (parsed.env === undefined) throw new UsageError(`--env is required\n\n${ROLLBACK_USAGE}`);
    if (parsed.to !== undefined && !COMMIT_PREFIX.test(parsed.to))
      throw new UsageError(`--to ${parsed.to} is not a commit: give its SHA or a prefix of 4 to 40 hex digits`);
    const scope = openScope(parsed, io);
    try {
      const env = environmentOnDisk(scope.root, parsed.env);
      const store = releaseStoreFor(scope, env);
      const releases = await store.list();
      const chosen = pickTarget(releases, parsed.to, env.history.limit);
      const current = releases[0];
      if (typeof chosen === 'string' || current === undefined)
        throw new Error(`environment ${env.name}: ${typeof chosen === 'string' ? chosen : 'no releases recorded'}`);
      const target = await store.get(chosen.revision);
      if (target === undefined) throw new Error(`environment ${env.name}: release ${chosen.revision} disappeared`);
      io.stderr(
        `rollback ${env.name}: from revision ${current.revision} to revision ${chosen.revision} (${chosen.commit.slice(0, 12)})\n`,
      );

      const request: DeployRequest = {
        deliveryId: `cli-${randomUUID()}`,
        repo: { owner: 'local', name: basename(scope.root), cloneUrl: scope.root },
        ref: 'HEAD',
        sha: chosen.commit,
        before: NULL_SHA,
        trigger: { kind: 'push' },
        environment: env.name,
        mode: 'apply',
        target: { kind: 'environment' },
        requestedAt: new Date().toISOString(),
      };
      const log = pino(
        { level: process.env['GANTRY_LOG_LEVEL'] ?? 'warn', base: { environment: env.name } },
        {
          write: (line: string) => io.stderr(line),
        },
      );
      const run = new DeployRun(
        request,
        { git: NO_GIT, clusterFor: scope.clusterFor, releaseStore: () => store },
        { signal: new AbortController().signal, log, progress: memoryProgress<DeployStep, DeployProgress>() },
      );
      // The current release is what is being undone: the worker's rollback reads it as the failed attempt.
      const attempt: FailedAttempt = {
        kind: releaseKind(current),
        revision: current.revision,
        sha: current.commit,
        manifestDigest: current.manifestDigest,
        reason: Reason.RolledBack,
        message: `rollback requested from the command line`,
        clusterChanged: true,
      };
      const settled = await rollBack(run, env, attempt, current.inventory, target);
      io.stdout(`environment ${env.name}: ${settled.outcome}: ${settled.message}\n`);
      const done = { environment: env.name, from: current, to: chosen, settled, timings: run.data.timings };
      await tellGitHub(rollbackReporting(processEnv, scope.root), done, log, io);
      if (settled.outcome === 'rolled-back') return 0;
      io.stderr(`Error: environment ${env.name}: ${settled.reason}: ${settled.message}\n`);
      return 1;
    } finally {
      scope.close();
    }
  } catch (error) {
    return reportError(io, 'rollback', error);
  }
}

/** Reports the rollback on GitHub when it is configured; either way, says on stderr whether GitHub was told. */
async function tellGitHub(reporting: RollbackReporting | string, done: RollbackDone, log: Logger, io: CommandIo) {
  if (typeof reporting === 'string') {
    io.stderr(`GitHub was not told: ${reporting}\n`);
    return;
  }
  try {
    for (const line of await reportRollback(reporting, done, log)) io.stderr(`GitHub: ${line}\n`);
  } catch (error) {
    io.stderr(`GitHub was not told: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}
