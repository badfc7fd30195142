// When the plan stage fails for good (an invalid env.yaml, a commit the remote does not have), no deploy request
// exists and so no `deploy/<env>` report would ever be written: without this, the failure is visible only in the
// worker's log. This writes a `deploy/plan` failure on the commit the delivery is about, in core/report's words.
import type { Logger } from 'pino';
import type { RepoRef } from '../../adapters/github/index.js';
import type { DeployError } from '../../core/deploy-error.js';
import { pullRequestPayload, pushPayload } from '../../core/deploy/github-event-payloads.js';
import type { GitHubDelivery } from '../../core/deploy/map-github-event.js';
import { PLAN_CONTEXT, planFailureReport } from '../../core/report/plan-failure.js';
import type { Reporter } from '../report-jobs.js';

/** Where a failed plan is reported. */
export interface PlanFailureTarget {
  readonly repo: RepoRef;
  /** The commit people look at: a push's new tip, a pull request's head. */
  readonly sha: string;
  /** The commit whose env.yaml files were read (a pull request's base). */
  readonly configSha: string;
  /**
   * Pushes get a commit status too; a pull request gets its check run only, as its dry-run diffs do (a red status
   * on the head commit would blame the pull request for its base branch's configuration).
   */
  readonly withStatus: boolean;
}

/** What became of the report. */
export type PlanFailureReportOutcome = 'reported' | 'unreportable' | 'refused';

/** The check run's external id: `plan/<sha>`; the `/` keeps it apart from every `<env>:<sha>`. */
export function planCheckRunExternalId(sha: string): string {
  return `plan/${sha}`;
}

/** The repository and commits of a push or pull request delivery; undefined for a payload without them. */
export function planFailureTarget(delivery: GitHubDelivery): PlanFailureTarget | undefined {
  if (delivery.event === 'push') {
    const push = pushPayload.safeParse(delivery.payload);
    if (!push.success) return undefined;
    const { after } = push.data;
    return { repo: repoRef(push.data.repository.full_name), sha: after, configSha: after, withStatus: true };
  }
  if (delivery.event === 'pull_request') {
    const pull = pullRequestPayload.safeParse(delivery.payload);
    if (!pull.success) return undefined;
    const { head, base } = pull.data.pull_request;
    return { repo: repoRef(pull.data.repository.full_name), sha: head.sha, configSha: base.sha, withStatus: false };
  }
  return undefined;
}

/**
 * Reports a terminal plan failure as a `deploy/plan` commit status (`failure`, pushes only) and a completed,
 * failed check run with the whole message (every file and field to fix). Both writes are idempotent, so a plan job
 * retried after a GitHub blip reports once.
 *
 * @returns `unreportable` when the delivery names no repository and commit; `refused` when GitHub refused the write
 *   for good (logged: the plan's own error matters more than the report's)
 * @throws GitHubApiError when GitHub failed transiently: the plan job is retried, and with it this report
 */
export async function reportPlanFailure(
  delivery: GitHubDelivery,
  error: DeployError,
  reporter: Pick<Reporter, 'setCommitStatus' | 'upsertCheckRun'>,
  ctx: { readonly signal: AbortSignal; readonly log: Logger },
): Promise<PlanFailureReportOutcome> {
  const target = planFailureTarget(delivery);
  if (target === undefined) return 'unreportable';
  const { sha, configSha, repo } = target;
  const words = planFailureReport({ sha, configSha, reason: error.reason, message: error.message });
  const call = { signal: ctx.signal };
  try {
    // The check run first: once the status says failure, the check run that says why is already there.
    await reporter.upsertCheckRun(
      repo,
      {
        sha,
        name: words.context,
        externalId: planCheckRunExternalId(sha),
        progress: { status: 'completed', conclusion: 'failure' },
        title: words.title,
        summary: words.summary,
      },
      call,
    );
    if (target.withStatus)
      // The adapter names every status `deploy/<environment>`: `plan` makes it PLAN_CONTEXT.
      await reporter.setCommitStatus(
        repo,
        { sha, environment: PLAN_CONTEXT.slice('deploy/'.length), state: 'failure', description: words.description },
        call,
      );
  } catch (writeError) {
    if ((writeError as { terminal?: unknown }).terminal !== true) throw writeError;
    ctx.log.warn({ err: writeError, context: words.context }, 'GitHub refused the plan failure report');
    return 'refused';
  }
  ctx.log.info({ context: words.context, reason: error.reason }, 'reported the failed plan to GitHub');
  return 'reported';
}

function repoRef(fullName: string): RepoRef {
  const [owner = '', repo = ''] = fullName.split('/');
  return { owner, repo };
}
