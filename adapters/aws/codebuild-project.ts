// One CodeBuild project per ECR repository, all with the same buildspec: the request's specifics (context key,
// tag, Dockerfile, build args) travel as environment variable overrides of StartBuild, so the project never has to
// change between builds and two builds of one repository can run at once.
import { createHash } from 'node:crypto';
import {
  BatchGetProjectsCommand,
  CreateProjectCommand,
  StartBuildCommand,
  type Build,
  type CodeBuildClient,
  type EnvironmentVariable,
} from '@aws-sdk/client-codebuild';
import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';
import { callAws, isAwsError } from './aws-error.js';
import type { CodeBuildConfig } from './read-codebuild-config.js';

/** Prefix of each build argument's environment variable; the buildspec turns them back into `--build-arg`s. */
export const BUILD_ARG_PREFIX = 'GANTRY_BUILD_ARG_';

/**
 * The buildspec every project runs. There is no CodeBuild source: S3 sources must be zip files, and the context is
 * a tar, so the build downloads and unpacks it itself. Build arguments arrive as `GANTRY_BUILD_ARG_<name>`
 * variables and are passed as `--build-arg name=value` through a bash array, so values are never re-parsed by a
 * shell.
 */
export const BUILDSPEC = `version: 0.2
env:
  shell: bash
phases:
  pre_build:
    commands:
      - aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "\${IMAGE_REPOSITORY%%/*}"
      - mkdir -p /tmp/context && aws s3 cp "s3://$CONTEXT_BUCKET/$CONTEXT_KEY" - | tar -x -C /tmp/context
  build:
    commands:
      - args=(); for var in \${!${BUILD_ARG_PREFIX}@}; do args+=(--build-arg "\${var#${BUILD_ARG_PREFIX}}=\${!var}"); done; docker build --file "/tmp/context/$DOCKERFILE" "\${args[@]}" --tag "$IMAGE_REPOSITORY:$IMAGE_TAG" /tmp/context
  post_build:
    commands:
      - test "$CODEBUILD_BUILD_SUCCEEDING" = 1 && docker push "$IMAGE_REPOSITORY:$IMAGE_TAG"
`;

/** Short hash of the buildspec: part of the builder's fingerprint, so a buildspec change changes every tag. */
export const BUILDSPEC_VERSION = createHash('sha256').update(BUILDSPEC).digest('hex').slice(0, 12);

/** The project building images of ECR repository `repository` (`shop/catalog` → `gantry-shop-catalog`). */
export function projectName(repository: string): string {
  const readable = `gantry-${repository.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  // CodeBuild names are at most 255 characters; ECR names may be longer once flattened, so long ones get a hash.
  return readable.length <= 150
    ? readable
    : `${readable.slice(0, 130)}-${createHash('sha256').update(repository).digest('hex').slice(0, 16)}`;
}

/** Creates the project for `repository` when it does not exist yet. */
export async function ensureProject(
  codebuild: CodeBuildClient,
  config: CodeBuildConfig,
  repository: string,
  signal?: AbortSignal,
): Promise<string> {
  const name = projectName(repository);
  const object = `CodeBuild project ${name}`;
  const found = await callAws(object, 'codebuild:BatchGetProjects', () =>
    codebuild.send(new BatchGetProjectsCommand({ names: [name] }), { abortSignal: signal }),
  );
  if (found.projects?.some((project) => project.name === name)) return name;
  await callAws(
    object,
    'codebuild:CreateProject',
    () =>
      codebuild.send(
        new CreateProjectCommand({
          name,
          description: `gantry: builds ECR repository ${repository}`,
          source: { type: 'NO_SOURCE', buildspec: BUILDSPEC },
          artifacts: { type: 'NO_ARTIFACTS' },
          environment: {
            type: 'LINUX_CONTAINER',
            image: config.image,
            computeType: config.computeType,
            // Docker needs it: the build runs `docker build` and `docker push` inside the build container.
            privilegedMode: true,
          },
          serviceRole: config.serviceRoleArn,
          timeoutInMinutes: config.buildTimeoutMinutes,
          logsConfig: { cloudWatchLogs: { status: 'ENABLED' } },
          tags: [{ key: 'managed-by', value: 'gantry' }],
        }),
        { abortSignal: signal },
      ),
    // Another worker created it in between: that is the project we wanted.
    (error) => (isAwsError(error, 'ResourceAlreadyExistsException') ? { value: undefined } : undefined),
  );
  return name;
}

/** One build to start: everything the buildspec reads. */
export interface BuildStart {
  readonly project: string;
  readonly bucket: string;
  readonly contextKey: string;
  readonly repositoryUri: string;
  readonly tag: string;
  readonly dockerfile: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** The configured CodeBuild timeout, the most a build may be given. */
  readonly maxTimeoutMinutes: number;
}

/**
 * Starts a build. The idempotency token is derived from repository and tag, so StartBuild replayed within
 * CodeBuild's token lifetime (5 minutes) returns the build already started instead of starting a second one. The
 * timeout is part of it too: it is the one parameter that may differ between two requests for the same content,
 * and CodeBuild refuses a token reused with other parameters.
 */
export async function startBuild(codebuild: CodeBuildClient, start: BuildStart, signal?: AbortSignal): Promise<Build> {
  const object = `CodeBuild project ${start.project}`;
  for (const name of Object.keys(start.buildArgs))
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new DeployError(
        Reason.InvalidConfig,
        `${object}: build argument "${name}" cannot be passed to CodeBuild: names must be letters, digits and "_", not starting with a digit`,
      );
  const variables: EnvironmentVariable[] = [
    { name: 'CONTEXT_BUCKET', value: start.bucket, type: 'PLAINTEXT' },
    { name: 'CONTEXT_KEY', value: start.contextKey, type: 'PLAINTEXT' },
    { name: 'IMAGE_REPOSITORY', value: start.repositoryUri, type: 'PLAINTEXT' },
    { name: 'IMAGE_TAG', value: start.tag, type: 'PLAINTEXT' },
    { name: 'DOCKERFILE', value: start.dockerfile, type: 'PLAINTEXT' },
    ...Object.entries(start.buildArgs).map(([name, value]) => ({
      name: `${BUILD_ARG_PREFIX}${name}`,
      value,
      type: 'PLAINTEXT' as const,
    })),
  ];
  // CodeBuild's own stop, a little after ours, for when no worker is left to stop it: at least CodeBuild's minimum
  // of 5 minutes, at most the configured timeout.
  const timeoutMinutes = Math.min(start.maxTimeoutMinutes, Math.max(5, Math.ceil(start.timeoutMs / 60_000) + 1));
  const started = await callAws(object, 'codebuild:StartBuild', () =>
    codebuild.send(
      new StartBuildCommand({
        projectName: start.project,
        idempotencyToken: idempotencyToken(start.repositoryUri, start.tag, timeoutMinutes),
        environmentVariablesOverride: variables,
        // CodeBuild's own stop, a little after ours, for when no worker is left to stop it: at least CodeBuild's
        // minimum of 5 minutes, at most the configured timeout.
        timeoutInMinutesOverride: Math.min(
          start.maxTimeoutMinutes,
          Math.max(5, Math.ceil(start.timeoutMs / 60_000) + 1),
        ),
      }),
      { abortSignal: signal },
    ),
  );
  if (!started.build?.id)
    throw new DeployError(Reason.RegistryUnavailable, `${object}: StartBuild returned no build id`);
  return started.build;
}

/** The StartBuild idempotency token for `repositoryUri:tag` built with `timeoutMinutes` (a hex SHA-256). */
export function idempotencyToken(repositoryUri: string, tag: string, timeoutMinutes: number): string {
  return createHash('sha256').update(`${repositoryUri}:${tag}:${timeoutMinutes}`).digest('hex');
}
