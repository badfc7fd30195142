import { createCheckRun, getCheckRun, listCheckRunsForRef, updateCheckRun } from './check-runs.js';
import { createCommitStatus, getCombinedStatusForRef, listCommitStatusesForRef } from './commit-statuses.js';
import { createDeployment, createDeploymentStatus, listDeployments, listDeploymentStatuses } from './deployments.js';
import type { Handler } from './handler.js';
import { createInstallationAccessToken } from './installation-tokens.js';
import { createIssueComment, deleteIssueComment, listIssueComments, updateIssueComment } from './issue-comments.js';
import { getPull, getRepo } from './pulls-and-repos.js';
import { createRepoWebhook } from './repo-hooks.js';

/** The operations the emulator implements, by the description's operationId; every other one answers 501. */
export const HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['repos/create-commit-status', createCommitStatus],
  ['repos/list-commit-statuses-for-ref', listCommitStatusesForRef],
  ['repos/get-combined-status-for-ref', getCombinedStatusForRef],
  ['checks/create', createCheckRun],
  ['checks/update', updateCheckRun],
  ['checks/get', getCheckRun],
  ['checks/list-for-ref', listCheckRunsForRef],
  ['issues/create-comment', createIssueComment],
  ['issues/update-comment', updateIssueComment],
  ['issues/list-comments', listIssueComments],
  ['issues/delete-comment', deleteIssueComment],
  ['repos/create-deployment', createDeployment],
  ['repos/list-deployments', listDeployments],
  ['repos/create-deployment-status', createDeploymentStatus],
  ['repos/list-deployment-statuses', listDeploymentStatuses],
  ['pulls/get', getPull],
  ['repos/get', getRepo],
  ['repos/create-webhook', createRepoWebhook],
  ['apps/create-installation-access-token', createInstallationAccessToken],
]);

/** Operations authenticated by a GitHub App's JWT rather than a token (GitHub's `/app/…` endpoints). */
export function usesAppJwt(pathTemplate: string): boolean {
  return pathTemplate === '/app' || pathTemplate.startsWith('/app/') || pathTemplate.endsWith('/installation');
}
