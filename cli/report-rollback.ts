// `gantry rollback` tells GitHub what it did, as the worker does after an automatic rollback: after a manual
// rollback GitHub still showed the old commit as deployed (issue 7, item 7). It goes through the worker's one report
// path (worker/report-jobs.ts), written directly rather than queued: the CLI needs no Redis.
import { execFileSync } from 'node:child_process';
import type { Logger } from 'pino';
import { GitHubReporter } from '../adapters/github/index.js';
import { NULL_SHA, type DeployRequest } from '../core/deploy/deploy-request.js';
import { Reason } from '../core/reasons.js';
import type { Release } from '../core/release/release.js';
import type { SettledOutcome } from '../core/rollback/decide-rollback.js';
import { publishReportJob, resultReport, type Reporter } from '../worker/report-jobs.js';
import type { DeployResult } from '../worker/stages/deploy-environment.js';

/** Where the rollback is reported: the reporter and the GitHub repository the environment deploys from. */
export interface RollbackReporting {
  readonly reporter: Reporter;
  readonly repo: { readonly owner: string; readonly name: string };
}

/**
 * GitHub settings from the environment, read as the worker reads them (`GANTRY_GITHUB_URL`, default
 * https://api.github.com, and `GANTRY_GITHUB_TOKEN`), plus the repository: `GANTRY_GITHUB_REPO=owner/name`, else
 * the GitHub remote `origin` of the checkout. A string says why GitHub cannot be told.
 */
export function rollbackReporting(env: NodeJS.ProcessEnv, root: string): RollbackReporting | string {
  const token = env['GANTRY_GITHUB_TOKEN']?.trim();
  if (!token) return 'GANTRY_GITHUB_TOKEN is not set (and GANTRY_GITHUB_URL for GitHub Enterprise or an emulator)';
  const repo = env['GANTRY_GITHUB_REPO']?.trim() || originRepo(root);
  const match = /^([\w.-]+)\/([\w.-]+)$/.exec(repo ?? '');
  if (!match?.[1] || !match[2])
    return repo === undefined
      ? "the repository's GitHub owner/name is unknown: origin is not a GitHub remote; set GANTRY_GITHUB_REPO=owner/name"
      : `GANTRY_GITHUB_REPO=${repo} is not owner/name`;
  const baseUrl = env['GANTRY_GITHUB_URL']?.trim();
  const reporter = new GitHubReporter({ ...(baseUrl && { baseUrl }), auth: { type: 'token', token } });
  return { reporter, repo: { owner: match[1], name: match[2] } };
}

/** `owner/name` of a GitHub `origin` remote (https or ssh form), or undefined. */
function originRepo(root: string): string | undefined {
  let url: string;
  try {
    url = execFileSync('git', ['-C', root, 'remote', 'get-url', 'origin'], { encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    return undefined;
  }
  return /github\.com[:/]([\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/.exec(url)?.[1];
}

/** What a finished manual rollback did. */
export interface RollbackDone {
  readonly environment: string;
  /** The release that was running, undone by the rollback. */
  readonly from: Release;
  /** The release whose manifests were re-applied. */
  readonly to: Release;
  readonly settled: SettledOutcome;
  readonly timings: DeployResult['timings'];
}

/**
 * Reports a manual rollback: `deploy/<env>` on the commit rolled back from (rolled back, "Rolled back to <sha> on
 * request"; a rollback that failed is an error) and, when it succeeded, on the commit now running (deployed).
 *
 * @returns one line per commit told, for the command's output
 */
export async function reportRollback(reporting: RollbackReporting, done: RollbackDone, log: Logger): Promise<string[]> {
  const { environment, from, to, settled, timings } = done;
  const request = (sha: string): DeployRequest => ({
    deliveryId: `cli-rollback-${environment}-${sha}`,
    repo: { ...reporting.repo, cloneUrl: '' },
    ref: 'HEAD',
    sha,
    before: NULL_SHA,
    trigger: { kind: 'push' },
    environment,
    mode: 'apply',
    target: { kind: 'environment' },
    requestedAt: new Date().toISOString(),
  });
  const fromResult: DeployResult = {
    environment,
    sha: from.commit,
    mode: 'apply',
    outcome: settled.outcome === 'rolled-back' ? 'rolled-back' : 'rollback-failed',
    reason: settled.outcome === 'rolled-back' ? Reason.RolledBack : settled.reason,
    message: settled.message,
    timings,
    revision: from.revision,
    rolledBackTo: { revision: to.revision, sha: to.commit },
  };
  const reports = [resultReport(request(from.commit), 1, fromResult)];
  if (settled.outcome === 'rolled-back') {
    const toResult: DeployResult = {
      environment,
      sha: to.commit,
      mode: 'apply',
      outcome: 'succeeded',
      message: settled.message,
      timings,
      revision: to.revision,
    };
    reports.push(resultReport(request(to.commit), 1, toResult));
  }
  const ctx = { signal: new AbortController().signal, log };
  const told: string[] = [];
  for (const report of reports) {
    await publishReportJob(report, reporting.reporter, ctx);
    told.push(`deploy/${environment} on ${report.request.sha.slice(0, 7)}: ${report.state}, "${report.description}"`);
  }
  return told;
}
