// CodeBuild → ECR as the pipeline's ImageBuilder: ensure the repository, skip when the tag is there, upload the
// context, ensure the project, start (idempotently), follow, and turn the ending into a BuiltImage or a DeployError.
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient, type Build } from '@aws-sdk/client-codebuild';
import { ECRClient } from '@aws-sdk/client-ecr';
import { S3Client } from '@aws-sdk/client-s3';
import { DeployError } from '../../core/deploy-error.js';
import type { BuildFailure, BuildRequest, BuiltImage, ImageBuilder } from '../../core/ports/image-builder.js';
import { Reason } from '../../core/reasons.js';
import { readLogTail } from './build-log-tail.js';
import { BUILDSPEC_VERSION, ensureProject, startBuild } from './codebuild-project.js';
import { ensureRepository, findImageDigest } from './ecr-repository.js';
import { findRunningBuild } from './find-running-build.js';
import { DEFAULT_POLL_PACE, followBuild, phaseFailure, type PollPace } from './follow-build.js';
import type { CodeBuildConfig } from './read-codebuild-config.js';
import { uploadContext } from './upload-context.js';

/** The subset of a pino logger the builder writes to. */
export interface BuilderLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** Options beside the configuration; all have defaults. */
export interface CodeBuildBuilderOptions {
  /** Where progress goes. Default: nowhere. */
  readonly logger?: BuilderLogger;
  /** How BatchGetBuilds is paced. Default {@link DEFAULT_POLL_PACE}. */
  readonly pollPace?: PollPace;
  /**
   * Attempts per AWS call, the first included, for the SDK's standard retry strategy (throttling, 5xx and
   * connection errors, exponential backoff with jitter). Default 5.
   */
  readonly maxAttempts?: number;
}

const silent: BuilderLogger = { info: () => undefined, warn: () => undefined };

/**
 * Creates the CodeBuild → ECR builder. Clients take their credentials from the SDK's default chain and their
 * endpoints from the standard configuration (`AWS_ENDPOINT_URL` points them at an emulator); `config` gives the
 * region and the account.
 */
export function createCodeBuildBuilder(config: CodeBuildConfig, options: CodeBuildBuilderOptions = {}): ImageBuilder {
  const clientConfig = { region: config.region, maxAttempts: options.maxAttempts ?? 5 };
  const ecr = new ECRClient(clientConfig);
  const codebuild = new CodeBuildClient(clientConfig);
  const s3 = new S3Client(clientConfig);
  const logs = new CloudWatchLogsClient(clientConfig);
  const logger = options.logger ?? silent;
  const pace = options.pollPace ?? DEFAULT_POLL_PACE;
  const registryId = config.accountId;
  const registryHost = `${config.accountId}.dkr.ecr.${config.region}.amazonaws.com`;

  // Each repository is set up once per process; a failed setup is forgotten so the next build tries again. The
  // setup is shared by concurrent builds, so one job's abort signal must not cancel it for the others.
  const repositories = new Map<string, Promise<string>>();
  function repositoryUri(name: string): Promise<string> {
    let pending = repositories.get(name);
    if (!pending) {
      pending = ensureRepository(ecr, registryId, name);
      pending.catch(() => repositories.delete(name));
      repositories.set(name, pending);
    }
    return pending;
  }

  async function find(repository: string, tag: string, signal?: AbortSignal): Promise<BuiltImage | undefined> {
    const digest = await findImageDigest(ecr, registryId, repository, tag, signal);
    return digest ? { repository: `${registryHost}/${repository}`, tag, digest } : undefined;
  }

  async function build(request: BuildRequest, signal?: AbortSignal): Promise<BuiltImage> {
    const fields = { app: request.app, repository: request.repository, tag: request.tag };
    const deadline = Date.now() + request.timeoutMs;
    signal?.throwIfAborted();
    const uri = await repositoryUri(request.repository);
    const existing = await find(request.repository, request.tag, signal);
    if (existing) {
      logger.info({ ...fields, digest: existing.digest }, 'image already in ECR; no build');
      return existing;
    }
    const contextKey = await uploadContext(s3, config.artifactBucket, await request.context(), signal);
    const project = await ensureProject(codebuild, config, request.repository, signal);
    const running = await findRunningBuild(codebuild, project, uri, request.tag, signal);
    const started =
      running ??
      (await startBuild(
        codebuild,
        {
          project,
          bucket: config.artifactBucket,
          contextKey,
          repositoryUri: uri,
          tag: request.tag,
          dockerfile: request.dockerfile,
          buildArgs: request.buildArgs,
          timeoutMs: request.timeoutMs,
          maxTimeoutMinutes: config.buildTimeoutMinutes,
        },
        signal,
      ));
    const id = started.id ?? '';
    logger.info(
      { ...fields, buildId: id, project },
      running ? 'following the CodeBuild build already running for this tag' : 'CodeBuild build started',
    );
    const { build: ended, stoppedAtTimeout } = await followBuild(codebuild, id, deadline, pace, signal);
    logger.info({ ...fields, buildId: id, status: ended.buildStatus }, 'CodeBuild build ended');
    // Read ECR whatever the status: a build that failed pushing because another build of the same content pushed the
    // tag first (an immutable repository refuses the second push) still leaves the image we want.
    const image = await find(request.repository, request.tag, signal);
    if (image) return image;
    throw await failure(request, ended, stoppedAtTimeout, signal);
  }

  async function failure(
    request: BuildRequest,
    ended: Build,
    stoppedAtTimeout: boolean,
    signal?: AbortSignal,
  ): Promise<DeployError> {
    const object = `image ${request.repository}:${request.tag} (CodeBuild build ${ended.id ?? '?'})`;
    const logTail = await readLogTail(logs, ended, signal);
    const detail = phaseFailure(ended);
    const timedOut = stoppedAtTimeout || ended.buildStatus === 'TIMED_OUT';
    const reason = timedOut ? Reason.BuildTimedOut : Reason.BuildFailed;
    const message = timedOut
      ? `${object} ran past its timeout of ${request.timeoutMs / 1000} s and was stopped`
      : ended.buildStatus === 'SUCCEEDED'
        ? `${object} succeeded but the tag is not in ECR: the buildspec did not push it`
        : `${object} ended ${ended.buildStatus ?? 'without a status'}${detail ? `: ${detail}` : ''}`;
    const cause: BuildFailure = { reason, message, ...(logTail !== undefined && { logTail }) };
    return new DeployError(reason, message, { cause });
  }

  return {
    fingerprint: `codebuild:LINUX_CONTAINER:${config.image}:buildspec-${BUILDSPEC_VERSION}`,
    find: (repository, tag, signal) => withAbortReason(find(repository, tag, signal), signal),
    build: (request, signal) => withAbortReason(build(request, signal), signal),
  };
}

// The SDK rejects an aborted call with its own "Request aborted"; the caller gets the reason it aborted with.
async function withAbortReason<T>(pending: Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}
