import type { ChangeSet } from '../diff/change-set.js';
import { countActions } from '../diff/change-set.js';
import type { DeployReport, ReportOutcome } from './deploy-report.js';
import { shortSha } from './deploy-report.js';
import { Reason } from '../reasons.js';
import { truncate } from './markdown.js';

/** GitHub's commit status states. */
export type CommitState = 'pending' | 'success' | 'failure' | 'error';

/** GitHub caps a commit status description at 140 characters. */
export const STATUS_DESCRIPTION_LIMIT = 140;

/**
 * Commit status state per outcome. A rolled-back release is a `failure` of its commit even though the environment
 * is fine again. `error` says the commit's deployment could not be judged: a rollback that failed (the
 * environment is in neither state), and a superseded commit (never deployed on its own: honest, if red).
 */
const STATE: Readonly<Record<ReportOutcome, CommitState>> = {
  'in-progress': 'pending',
  planned: 'success',
  succeeded: 'success',
  failed: 'failure',
  'rolled-back': 'failure',
  'rollback-failed': 'error',
  superseded: 'error',
};

/** The commit status for a report: context `deploy/<env>` (`diff/<env>` for a dry run, `preview/<env>` for a preview). */
export function commitStatus(report: DeployReport): { context: string; state: CommitState; description: string } {
  return { context: statusContext(report), state: STATE[report.outcome], description: statusDescription(report) };
}

export function statusContext(report: Pick<DeployReport, 'environment' | 'mode' | 'target'>): string {
  if (report.target?.kind === 'preview') return `preview/${report.environment}`;
  return `${report.mode === 'dry-run' ? 'diff' : 'deploy'}/${report.environment}`;
}

/** One line, at most 140 characters, that says what happened. */
export function statusDescription(report: DeployReport): string {
  return truncate(describe(report).replaceAll(/\s+/g, ' ').trim(), STATUS_DESCRIPTION_LIMIT);
}

function describe(report: DeployReport): string {
  const sha = shortSha(report.sha);
  const reason = report.failure?.reason ?? 'unknown reason';
  switch (report.outcome) {
    case 'in-progress':
      return report.mode === 'dry-run' ? `Computing what ${sha} would change…` : `Deploying ${sha}…`;
    case 'planned':
      return report.changeSet ? `Would ${changeSummary(report.changeSet, 'would')}` : 'Diff computed';
    case 'succeeded':
      return `Deployed ${sha}: ${report.changeSet ? changeSummary(report.changeSet, 'did') : 'done'}`;
    case 'failed':
      return `Failed (${reason}): ${report.failure?.message ?? ''}`;
    case 'rolled-back':
      // A rollback asked for (gantry rollback) undoes a commit that did not fail.
      if (reason === Reason.RolledBack)
        return `Rolled back to ${report.rolledBackTo ? shortSha(report.rolledBackTo.sha) : 'an earlier release'} on request`;
      return `Failed (${reason}); rolled back to ${report.rolledBackTo ? shortSha(report.rolledBackTo.sha) : 'the last good release'}`;
    case 'rollback-failed':
      // The reason is RollbackFailed itself; the message says what failed first and why the rollback did too.
      return `ROLLBACK FAILED, the environment needs attention: ${report.failure?.message ?? reason}`;
    case 'superseded':
      return `Superseded by ${report.supersededBy ? shortSha(report.supersededBy) : 'a newer commit'}; not deployed on its own`;
  }
}

/** `1 created, 2 configured, 1 deleted` (`create 1, configure 2` for a dry run), or `no changes`. */
export function changeSummary(changeSet: ChangeSet, tense: 'did' | 'would'): string {
  const counts = countActions(changeSet);
  const verbs = { created: 'create', configured: 'configure', deleted: 'delete' } as const;
  const parts = (['created', 'configured', 'deleted'] as const)
    .filter((action) => counts[action] > 0)
    .map((action) => (tense === 'did' ? `${counts[action]} ${action}` : `${verbs[action]} ${counts[action]}`));
  if (parts.length === 0) return tense === 'did' ? 'no changes' : 'change nothing';
  return parts.join(', ');
}

/** GitHub check run status and conclusion per outcome. A superseded commit's check is `skipped` (grey), not red. */
export function checkRunState(
  outcome: ReportOutcome,
): { status: 'in_progress' } | { status: 'completed'; conclusion: 'success' | 'failure' | 'skipped' } {
  switch (outcome) {
    case 'in-progress':
      return { status: 'in_progress' };
    case 'planned':
    case 'succeeded':
      return { status: 'completed', conclusion: 'success' };
    case 'superseded':
      return { status: 'completed', conclusion: 'skipped' };
    case 'failed':
    case 'rolled-back':
    case 'rollback-failed':
      return { status: 'completed', conclusion: 'failure' };
  }
}
