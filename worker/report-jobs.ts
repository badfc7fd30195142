// Between the deploy stage's words and the report queue: a stage's outcome becomes a report job (core/report decides
// the words), and a report job becomes GitHub writes (a `deploy/<env>` status and a check run).
// This is the one report path: the worker's report queue runs it, and `gantry rollback` calls it directly.
import type { CheckRunProgress, GitHubReporter, RepoRef } from '../adapters/github/index.js';
import type { JobContext } from '../adapters/queue/job-context.js';
import type { ReportJob, ReportState } from '../adapters/queue/report-job.js';
import type { DeployRequest } from '../core/deploy/deploy-request.js';
import { commitStatus, statusContext } from '../core/report/commit-status.js';
import type { DeployReport } from '../core/report/deploy-report.js';
import { summarize } from '../core/report/summarize.js';
import { DEPLOY_STAGES, type Timings } from '../core/release/release.js';
import type { DeployResult } from './stages/deploy-environment.js';

/** What reporting needs of the GitHub adapter. */
export type Reporter = Pick<GitHubReporter, 'setCommitStatus' | 'upsertCheckRun'>;

/** The GitHub repository of a request, in the adapter's terms. */
export function repoOf(request: Pick<DeployRequest, 'repo'>): RepoRef {
  return { owner: request.repo.owner, repo: request.repo.name };
}

/** The check run's external id: `<env>:<sha>` for a deployment, `diff:<env>:<sha>` for a dry run. */
export function checkRunExternalId(request: Pick<DeployRequest, 'environment' | 'sha' | 'mode'>): string {
  const id = `${request.environment}:${request.sha}`;
  return request.mode === 'dry-run' ? `diff:${id}` : id;
}

/** A deploy's result as core/report describes it. */
export function deployReportOf(request: DeployRequest, result: DeployResult): DeployReport {
  const planned = result.mode === 'dry-run' && result.outcome === 'succeeded';
  return {
    environment: result.environment,
    sha: result.sha,
    mode: result.mode,
    target: request.target,
    outcome: planned ? 'planned' : result.outcome,
    timings: reportTimings(result),
    ...(result.changeSet && { changeSet: result.changeSet }),
    ...(result.health && { health: result.health }),
    ...(result.reason && { failure: { reason: result.reason, message: result.message } }),
    ...(result.rolledBackTo && { rolledBackTo: result.rolledBackTo }),
    ...(result.canaries && result.canaries.length > 0 && { canaries: result.canaries }),
  };
}

/** The steps core/report times (render, validate, diff, apply, prune, rollout, canary, rollback). */
function reportTimings(result: DeployResult): Timings {
  return Object.fromEntries(
    DEPLOY_STAGES.flatMap((stage) => (result.timings[stage] === undefined ? [] : [[stage, result.timings[stage]]])),
  );
}

/** The `pending` report of a request just queued for deployment. */
export function pendingReport(request: DeployRequest, sequence: number): ReportJob {
  return reportJobOf(request, sequence, {
    environment: request.environment,
    sha: request.sha,
    mode: request.mode,
    target: request.target,
    outcome: 'in-progress',
  });
}

/** The report of a finished deploy (success, failure, rolled back, rollback failed, or a dry run's plan). */
export function resultReport(request: DeployRequest, sequence: number, result: DeployResult): ReportJob {
  return reportJobOf(request, sequence, deployReportOf(request, result));
}

function reportJobOf(request: DeployRequest, sequence: number, report: DeployReport): ReportJob {
  const { state, description } = commitStatus(report);
  const { summary } = summarize(report);
  return {
    request,
    sequence,
    state,
    ...(report.failure && { reason: report.failure.reason }),
    description,
    summary,
  };
}

/** Check run progress per report state; a superseded commit's check is grey (`skipped`), not red. */
const CHECK_RUN: Readonly<Record<ReportState, CheckRunProgress>> = {
  pending: { status: 'in_progress' },
  success: { status: 'completed', conclusion: 'success' },
  failure: { status: 'completed', conclusion: 'failure' },
  error: { status: 'completed', conclusion: 'failure' },
  superseded: { status: 'completed', conclusion: 'skipped' },
};

/**
 * Writes one report job to GitHub: the check run identified by `<env>:<sha>`, then the commit status (apply requests
 * only; a dry run has no `deploy/<env>` status). Both writes are idempotent, so a retried job changes nothing twice.
 * The check run's title is the status line: the job carries no separate title.
 *
 * The check run goes first because the status is what people and tools wait on (branch protection, `gantry`'s own
 * e2e tests): once `deploy/<env>` says `failure`, the check run that says why is already there.
 *
 * A `pending` job that runs after the outcome was written (it failed, backed off, and came back late) changes
 * nothing: the adapter never moves a final status back to `pending` nor reopens a completed check run.
 */
export async function publishReportJob(
  job: ReportJob,
  reporter: Reporter,
  ctx: Pick<JobContext, 'signal' | 'log'>,
): Promise<{ state: ReportState }> {
  const { request } = job;
  const repo = repoOf(request);
  const call = { signal: ctx.signal };
  const context = statusContext({ environment: request.environment, mode: request.mode, target: request.target });
  const checkRun = await reporter.upsertCheckRun(
    repo,
    {
      sha: request.sha,
      name: context,
      externalId: checkRunExternalId(request),
      progress: CHECK_RUN[job.state],
      title: job.description,
      summary: job.summary ?? job.description,
    },
    call,
  );
  // GitHub's commit states have no "superseded": a commit that never deployed on its own is an `error` (core's rule).
  const state = job.state === 'superseded' ? 'error' : job.state;
  const status =
    request.mode === 'apply'
      ? await reporter.setCommitStatus(
          repo,
          { sha: request.sha, environment: request.environment, state, description: job.description },
          call,
        )
      : undefined;
  // The job's logger already carries `state`; the line says what reached GitHub.
  const writes = { checkRun: checkRun.outcome, ...(status && { status }) };
  const wrote = checkRun.outcome !== 'unchanged' || (status !== undefined && status !== 'unchanged');
  if (!wrote && job.state === 'pending')
    ctx.log.info(
      { context, writes },
      'nothing written: the outcome is already on GitHub; kept it over this late pending',
    );
  else if (!wrote) ctx.log.info({ context, writes }, `nothing written: GitHub already shows ${job.state}`);
  else ctx.log.info({ context, writes }, `reported ${job.state} to GitHub`);
  return { state: job.state };
}
