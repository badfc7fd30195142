// The pull request variant of deploy + report: what the pull request's head commit would change in each
// environment its base branch deploys to, computed by server-side dry-run (nothing applied), shown as a check run
// per environment and one pull request comment that every push to the pull request updates.
import type { Logger } from 'pino';
import type { CheckRunResult, PullRequestCommentResult } from '../../adapters/github/index.js';
import type { DeployRequest } from '../../core/deploy/deploy-request.js';
import { shortSha } from '../../core/report/deploy-report.js';
import { summarize } from '../../core/report/summarize.js';
import { deployEnvironment } from './deploy-environment.js';
import type { DeployProgress } from './deploy/deploy-progress.js';
import type { DeployDeps, DeployResult, DeployStep } from './deploy/deploy-types.js';
import { deployReportOf, repoOf, reportResult, type Reporter } from './report.js';
import { memoryProgress } from './stage-context.js';

export interface PreviewDeps extends DeployDeps {
  readonly reporter: Reporter;
}

export interface PreviewOutcome {
  readonly results: readonly DeployResult[];
  readonly checkRuns: readonly CheckRunResult[];
  readonly comment: PullRequestCommentResult;
}

/**
 * Diffs the pull request's head commit against every environment of `requests` (the plan's `dry-run` requests of
 * one pull request), writes a `diff/<env>` check run on the head commit for each, and keeps one comment on the pull
 * request with all of them. A dry run resumes nothing (it changes nothing), so its progress stays in memory.
 *
 * @throws Error when `requests` is empty, mixes pull requests or commits, or holds a request that would apply
 */
export async function previewPullRequest(
  requests: readonly DeployRequest[],
  deps: PreviewDeps,
  ctx: { signal: AbortSignal; log: Logger },
): Promise<PreviewOutcome> {
  const pull = pullRequestOf(requests);
  const results: DeployResult[] = [];
  const checkRuns: CheckRunResult[] = [];
  for (const request of requests) {
    const progress = memoryProgress<DeployStep, DeployProgress>();
    const result = await deployEnvironment(request, deps, {
      signal: ctx.signal,
      log: ctx.log.child({ env: request.environment }),
      progress,
    });
    results.push(result);
    checkRuns.push((await reportResult(request, result, deps.reporter, { signal: ctx.signal })).checkRun);
  }
  const sections = requests.map(
    (request, index) => summarize(deployReportOf(request, results[index] as DeployResult)).summary,
  );
  const body = [`## Gantry: what ${shortSha(pull.sha)} would change`, ...sections].join('\n\n---\n\n');
  const comment = await deps.reporter.upsertPullRequestComment(
    repoOf(pull.request),
    { pullNumber: pull.number, body },
    { signal: ctx.signal },
  );
  return { results, checkRuns, comment };
}

function pullRequestOf(requests: readonly DeployRequest[]): { request: DeployRequest; number: number; sha: string } {
  const [first] = requests;
  if (first === undefined || first.trigger.kind !== 'pull_request')
    throw new Error('previewPullRequest: needs the dry-run requests of one pull request');
  const number = first.trigger.number;
  for (const request of requests) {
    if (request.mode !== 'dry-run')
      throw new Error(`previewPullRequest: the request for ${request.environment} would apply; previews only diff`);
    if (request.trigger.kind !== 'pull_request' || request.trigger.number !== number || request.sha !== first.sha) {
      throw new Error('previewPullRequest: every request must be for the same pull request and commit');
    }
  }
  return { request: first, number, sha: first.sha };
}
