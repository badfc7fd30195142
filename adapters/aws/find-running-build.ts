// A replayed build job must not start a second build of a content tag whose build is still running (a worker
// killed mid-build, a job retried after a lost answer). StartBuild's idempotency token covers only 5 minutes, so
// before starting, the newest builds of the repository's project are read and one still running for the same
// image and tag is followed instead.
import {
  BatchGetBuildsCommand,
  ListBuildsForProjectCommand,
  type Build,
  type CodeBuildClient,
} from '@aws-sdk/client-codebuild';
import { callAws, isAwsError } from './aws-error.js';

/** How many of the project's newest builds are looked at: a running build of the tag is recent. */
export const RECENT_BUILDS = 25;

/** The newest in-progress build of `project` that builds `repositoryUri:tag`, if there is one. */
export async function findRunningBuild(
  codebuild: CodeBuildClient,
  project: string,
  repositoryUri: string,
  tag: string,
  signal?: AbortSignal,
): Promise<Build | undefined> {
  const object = `CodeBuild project ${project}`;
  const listed = await callAws(
    object,
    'codebuild:ListBuildsForProject',
    () =>
      codebuild.send(new ListBuildsForProjectCommand({ projectName: project, sortOrder: 'DESCENDING' }), {
        abortSignal: signal,
      }),
    (error) => (isAwsError(error, 'ResourceNotFoundException') ? { value: undefined } : undefined),
  );
  const ids = (listed?.ids ?? []).slice(0, RECENT_BUILDS);
  if (ids.length === 0) return undefined;
  const answer = await callAws(object, 'codebuild:BatchGetBuilds', () =>
    codebuild.send(new BatchGetBuildsCommand({ ids }), { abortSignal: signal }),
  );
  // A build's environment lists the variables it ran with, StartBuild's overrides included.
  const variable = (build: Build, name: string) =>
    build.environment?.environmentVariables?.find((v) => v.name === name)?.value;
  return answer.builds?.find(
    (build) =>
      build.buildStatus === 'IN_PROGRESS' &&
      variable(build, 'IMAGE_REPOSITORY') === repositoryUri &&
      variable(build, 'IMAGE_TAG') === tag,
  );
}
