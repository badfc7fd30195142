// The report stage: tells GitHub how a deploy request went, in core/report's words (commit status description,
// check-run title and Markdown summary), through the GitHub adapter. Every write is idempotent, so a replayed
// report job changes nothing twice.
import type { CheckRunResult, GitHubReporter, RepoRef, WriteOutcome } from '../../adapters/github/index.js';
import type { DeployRequest } from '../../core/deploy/deploy-request.js';
import type { DeployReport } from '../../core/report/deploy-report.js';
import { checkRunState, commitStatus, statusContext } from '../../core/report/commit-status.js';
import { summarize } from '../../core/report/summarize.js';
import { DEPLOY_STAGES, type Timings } from '../../core/release/release.js';
import type { DeployResult } from './deploy/deploy-types.js';

/** What the report stage needs of the GitHub adapter. */
export type Reporter = Pick<GitHubReporter, 'setCommitStatus' | 'upsertCheckRun'>;

export interface ReportOptions {
  readonly signal?: AbortSignal;
  /** Where the status and check run link to (a dashboard, the release). */
  readonly detailsUrl?: string;
}

/** What was written: the commit status (absent for dry runs, which have no `deploy/<env>` status) and the check run. */
export interface ReportWrites {
  readonly status?: WriteOutcome;
  readonly checkRun: CheckRunResult;
}

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
  };
}

/** Marks the request as under way: status `pending`, check run `in_progress`. */
export function reportStarted(
  request: DeployRequest,
  reporter: Reporter,
  options: ReportOptions = {},
): Promise<ReportWrites> {
  return publishReport(
    request,
    {
      environment: request.environment,
      sha: request.sha,
      mode: request.mode,
      target: request.target,
      outcome: 'in-progress',
    },
    reporter,
    options,
  );
}

/**
 * Reports a finished deploy: the `deploy/<env>` status (success, failure, or error when a rollback failed) and the
 * check run with the summary ("rolled back to <sha>" when it happened). A dry run gets its `diff/<env>` check run only.
 */
export function reportResult(
  request: DeployRequest,
  result: DeployResult,
  reporter: Reporter,
  options: ReportOptions = {},
): Promise<ReportWrites> {
  return publishReport(request, deployReportOf(request, result), reporter, options);
}

/** Writes any report (also `superseded`, which the queue layer reports) as a commit status and a check run. */
export async function publishReport(
  request: DeployRequest,
  report: DeployReport,
  reporter: Reporter,
  options: ReportOptions = {},
): Promise<ReportWrites> {
  const repo = repoOf(request);
  const call = { signal: options.signal };
  const { state, description } = commitStatus(report);
  const { title, summary } = summarize(report);
  // The check run first: once the status says how it ended, the check run that says why is already there.
  const checkRun = await reporter.upsertCheckRun(
    repo,
    {
      sha: request.sha,
      name: statusContext(report),
      externalId: checkRunExternalId(request),
      progress: checkRunState(report.outcome),
      title,
      summary,
      ...(options.detailsUrl && { detailsUrl: options.detailsUrl }),
    },
    call,
  );
  const status =
    request.mode === 'apply'
      ? await reporter.setCommitStatus(
          repo,
          {
            sha: request.sha,
            environment: request.environment,
            state,
            description,
            ...(options.detailsUrl && { targetUrl: options.detailsUrl }),
          },
          call,
        )
      : undefined;
  return { ...(status && { status }), checkRun };
}

/** The steps core/report times (render, validate, diff, apply, prune, rollout, rollback). */
function reportTimings(result: DeployResult): Timings {
  return Object.fromEntries(
    DEPLOY_STAGES.flatMap((stage) => (result.timings[stage] === undefined ? [] : [[stage, result.timings[stage]]])),
  );
}
