/** The GitHub adapter: commit statuses, check runs, the preview comment and deployments over @octokit/rest. */
export { GitHubReporter, type GitHubReporterOptions } from './github-reporter.js';
export { GitHubConfigError, GitHubConfigSchema, parseGitHubConfig, type GitHubConfig, type GitHubConfigInput } from './github-config.js';
export { GitHubApiError, toGitHubApiError, type GitHubFailure } from './github-api-error.js';
export { statusContext, type CommitState, type CommitStatusInput } from './commit-status.js';
export type { CheckAnnotation, CheckConclusion, CheckRunInput, CheckRunProgress, CheckRunResult } from './check-run.js';
export type { PullRequestState } from './pull-request-state.js';
export { PREVIEW_MARKER, type PullRequestCommentInput, type PullRequestCommentResult } from './pull-request-comment.js';
export type { DeploymentInput, DeploymentResult, DeploymentState, DeploymentStatusInput } from './deployment.js';
export type { CallOptions, RepoRef, WriteOutcome } from './repo-ref.js';
export type { GitHubLogger } from './create-octokit.js';
