// Between the deploy stage's words and the report queue: a stage's outcome becomes a report job (core/report decides
// the words), and a report job becomes GitHub writes (a `deploy/<env>` status and a check run).
// This is the one report path: the worker's report queue runs it, and `gantry rollback` calls it directly.
import { createHash } from 'node:crypto';
import type { CheckRunProgress, DeploymentState, GitHubReporter, RepoRef } from '../adapters/github/index.js';
import type { JobContext } from '../adapters/queue/job-context.js';
import type { ReportJob, ReportState } from '../adapters/queue/report-job.js';
import type { DeployRequest } from '../core/deploy/deploy-request.js';
import { commitStatus, statusContext } from '../core/report/commit-status.js';
import type { DeployReport } from '../core/report/deploy-report.js';
import { deploymentTarget } from '../core/report/deployment-target.js';
import { forkWithoutPreviewMarkdown, mergeCommentSection, previewMarkdown } from '../core/report/pull-request-comment.js';
import { previewEnvironmentName } from '../core/deploy/preview.js';
import { truncate } from '../core/report/markdown.js';
import { summarize } from '../core/report/summarize.js';
import { DEPLOY_STAGES, type CanaryProgress, type Timings } from '../core/release/release.js';
import type { DeployResult } from './stages/deploy-environment.js';

/** What reporting needs of the GitHub adapter. */
export type Reporter = Pick<
  GitHubReporter,
  | 'setCommitStatus'
  | 'upsertCheckRun'
  | 'ensureDeployment'
  | 'setDeploymentStatus'
  | 'deactivateOlderDeployments'
  | 'upsertPullRequestComment'
>;

/** The GitHub repository of a request, in the adapter's terms. */
export function repoOf(request: Pick<DeployRequest, 'repo'>): RepoRef {
  return { owner: request.repo.owner, repo: request.repo.name };
}

/**
 * The check run's external id: `<env>:<sha>` for a deployment, `diff:<env>:<sha>` for a dry run,
 * `preview:<env>:<sha>` for a preview (a pull request's head merged by fast-forward is deployed at the same commit).
 */
export function checkRunExternalId(request: Pick<DeployRequest, 'environment' | 'sha' | 'mode' | 'target'>): string {
  const id = `${request.environment}:${request.sha}`;
  if (request.mode === 'dry-run') return `diff:${id}`;
  return request.target.kind === 'preview' ? `preview:${id}` : id;
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
    ...(result.preview && { preview: result.preview }),
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

/** The `running` report of a request whose deploy job has started (its images, if any, are built). */
export function runningReport(request: DeployRequest, sequence: number): ReportJob {
  const pending = pendingReport(request, sequence);
  return { ...pending, state: 'running', description: `${request.mode === 'dry-run' ? 'diffing' : 'deploying'} ${request.sha.slice(0, 7)} in ${request.environment}` };
}

/**
 * A `running` report whose check run shows the canaries' walk so far, step by step (weights, checks, the latest
 * gate result). Its `update` is a digest of that summary: the same progress reported twice is one job.
 */
export function canaryProgressReport(
  request: DeployRequest,
  sequence: number,
  canaries: readonly CanaryProgress[],
): ReportJob {
  const { summary } = summarize({
    environment: request.environment,
    sha: request.sha,
    mode: request.mode,
    target: request.target,
    outcome: 'in-progress',
    canarySteps: canaries,
  });
  const update = createHash('sha256').update(summary).digest('hex').slice(0, 16);
  return { ...runningReport(request, sequence), summary, update };
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
    ...(report.preview?.urls[0] !== undefined && { environmentUrl: `http://${report.preview.urls[0]}` }),
    ...(report.preview && {
      preview: {
        urls: [...report.preview.urls],
        skipped: report.preview.skipped.map((ref) => (ref.name === '' ? ref.kind : `${ref.kind}/${ref.name}`)),
        ...(report.preview.ignoredConfig && { ignoredConfig: [...report.preview.ignoredConfig] }),
        ...(report.failure && { failure: { reason: report.failure.reason, message: truncate(report.failure.message, 1_000) } }),
      },
    }),
  };
}

/** Check run progress per report state; a superseded commit's check is grey (`skipped`), not red. */
const CHECK_RUN: Readonly<Record<ReportState, CheckRunProgress>> = {
  pending: { status: 'in_progress' },
  running: { status: 'in_progress' },
  success: { status: 'completed', conclusion: 'success' },
  failure: { status: 'completed', conclusion: 'failure' },
  error: { status: 'completed', conclusion: 'failure' },
  superseded: { status: 'completed', conclusion: 'skipped' },
};

/**
 * GitHub Deployment status per report state. `pending` is written when the request is queued; a superseded request
 * never deployed, and its deployment is `inactive` (GitHub's word for "no longer what runs there").
 */
const DEPLOYMENT: Readonly<Record<ReportState, DeploymentState>> = {
  pending: 'queued',
  running: 'in_progress',
  success: 'success',
  failure: 'failure',
  error: 'error',
  superseded: 'inactive',
};

/**
 * Writes one report job to GitHub: the check run identified by `<env>:<sha>`, then (apply requests only; a dry run
 * deploys nothing) the GitHub Deployment of the commit to its target with a status linking to the check run, then
 * the commit status. Both writes are idempotent, so a retried job changes nothing twice.
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
  const deployment = await publishDeployment(job, checkRun, reporter, call);
  const comment = await publishCommentSection(job, checkRun, reporter, call);
  // GitHub's commit states have no "superseded": a commit that never deployed on its own is an `error` (core's rule).
  // `running` is the Deployment's and the check run's news; the commit status already says `pending`.
  const state = job.state === 'superseded' ? 'error' : job.state;
  const status =
    request.mode === 'apply' && state !== 'running'
      ? await reporter.setCommitStatus(
          repo,
          { sha: request.sha, environment: request.environment, state, description: job.description },
          call,
        )
      : undefined;
  // The job's logger already carries `state`; the line says what reached GitHub.
  const writes = {
    checkRun: checkRun.outcome,
    ...(deployment && { deployment }),
    ...(comment && { comment }),
    ...(status && { status }),
  };
  const wrote =
    checkRun.outcome !== 'unchanged' ||
    (deployment !== undefined && deployment !== 'unchanged') ||
    (comment !== undefined && comment !== 'unchanged') ||
    (status !== undefined && status !== 'unchanged');
  if (!wrote && (job.state === 'pending' || job.state === 'running'))
    ctx.log.info(
      { context, writes },
      'nothing written: the outcome is already on GitHub; kept it over this late pending',
    );
  else if (!wrote) ctx.log.info({ context, writes }, `nothing written: GitHub already shows ${job.state}`);
  else ctx.log.info({ context, writes }, `reported ${job.state} to GitHub`);
  return { state: job.state };
}

/**
 * The deployment of the request's commit to its target (found again on a replay: its key is `<environment>:<sha>`)
 * and the status of this report. A late `pending` (the check run was already completed, so `unchanged`) writes no
 * `queued` over an outcome. On `success`, older deployments of a production or preview target are marked
 * `inactive`; GitHub does that itself for the other environments.
 */
async function publishDeployment(
  job: ReportJob,
  checkRun: { readonly outcome: string; readonly url?: string },
  reporter: Reporter,
  call: { readonly signal: AbortSignal },
): Promise<'created' | 'unchanged' | undefined> {
  const target = deploymentTarget(job.request);
  if (target === undefined) return undefined;
  if ((job.state === 'pending' || job.state === 'running') && checkRun.outcome === 'unchanged') return 'unchanged';
  const repo = repoOf(job.request);
  const { id } = await reporter.ensureDeployment(
    repo,
    {
      sha: job.request.sha,
      environment: target.environment,
      description: `${job.request.trigger.kind === 'push' ? 'push' : 'pull request'} to ${job.request.environment}`,
      production: target.production,
      transient: target.transient,
    },
    call,
  );
  const state = DEPLOYMENT[job.state];
  const written = await reporter.setDeploymentStatus(
    repo,
    {
      deploymentId: id,
      state,
      description: job.description,
      ...(checkRun.url && { logUrl: checkRun.url }),
      ...((job.environmentUrl ?? target.environmentUrl) !== undefined && { environmentUrl: job.environmentUrl ?? target.environmentUrl }),
    },
    call,
  );
  if (state === 'success' && (target.production || target.transient)) {
    const superseded = `superseded by ${job.request.sha.slice(0, 7)}`;
    await reporter.deactivateOlderDeployments(
      repo,
      { environment: target.environment, current: id, description: superseded },
      call,
    );
  }
  return written;
}

/**
 * A pull request's result goes into its one comment, in this environment's section (core/report/pull-request-comment
 * merges it with the other environments' and refuses an older request's over a newer head's): a dry run's outcome
 * as the diff part (with why a fork has no preview), a preview's every state as the preview part (deploying,
 * healthy, failed). A late `pending` or `running` (its check run already completed) writes nothing over an outcome;
 * a superseded request is about a head that is no longer the pull request's.
 */
async function publishCommentSection(
  job: ReportJob,
  checkRun: { readonly outcome: string; readonly url?: string },
  reporter: Reporter,
  call: { readonly signal: AbortSignal },
): Promise<'created' | 'updated' | 'unchanged' | undefined> {
  const { request } = job;
  if (request.trigger.kind !== 'pull_request' || job.state === 'superseded') return undefined;
  const preview = request.target.kind === 'preview' ? request.target : undefined;
  const inProgress = job.state === 'pending' || job.state === 'running';
  if (inProgress && (preview === undefined || checkRun.outcome === 'unchanged')) return undefined;
  const number = request.trigger.number;
  const markdown = preview
    ? previewMarkdown({
        environmentName: previewEnvironmentName(request.environment, number),
        namespace: preview.namespace,
        state: inProgress ? 'deploying' : job.state === 'success' ? 'healthy' : 'failed',
        sha: request.sha,
        ...(job.preview && { urls: job.preview.urls, skipped: job.preview.skipped }),
        ...(job.preview?.ignoredConfig && { ignoredConfig: job.preview.ignoredConfig }),
        ...(job.preview?.failure && !inProgress && { failure: job.preview.failure }),
        ...(!inProgress && job.state !== 'success' && { why: job.description }),
      })
    : [
        job.summary === undefined ? job.description : `${job.description}\n\n${job.summary}`,
        ...(request.previewWithheld ? [forkWithoutPreviewMarkdown(request.previewWithheld.forkLabel)] : []),
      ].join('\n\n');
  const section = {
    environment: request.environment,
    part: preview ? ('preview' as const) : ('diff' as const),
    head: request.sha,
    sequence: job.sequence,
    markdown,
    ...(checkRun.url && { checkRunUrl: checkRun.url }),
  };
  const { outcome } = await reporter.upsertPullRequestComment(
    repoOf(request),
    { pullNumber: number, body: (current) => mergeCommentSection(current, section) },
    call,
  );
  return outcome;
}
