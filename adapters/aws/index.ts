/** The AWS adapter: CodeBuild → ECR as an ImageBuilder, and its configuration reader. */
export { createCodeBuildBuilder, type BuilderLogger, type CodeBuildBuilderOptions } from './codebuild-builder.js';
export { CodeBuildConfigError, readCodeBuildConfig, type CodeBuildConfig } from './read-codebuild-config.js';
export { DEFAULT_POLL_PACE, type PollPace } from './follow-build.js';
