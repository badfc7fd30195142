// The build stage: one image at one content tag, built from the commit's git objects by whichever builder the
// worker was given, and reported on GitHub as the `build/<app>` check run of the commit that asked for it.
import type { Logger } from 'pino';
import type { BuildJob } from '../../../adapters/queue/build-job.js';
import { DeployError } from '../../../core/deploy-error.js';
import type { BuildFailure, BuiltImage, ImageBuilder } from '../../../core/ports/image-builder.js';
import { Reason } from '../../../core/reasons.js';
import { describeBuild, type BuildReport } from '../../../core/report/build-report.js';
import type { GitHubReporter } from '../../../adapters/github/index.js';

/** The git adapter's mirror, as far as building reads it. */
export interface ContextSource {
  fetch(
    cloneUrl: string,
    sha: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ archive(sha: string, dir: string, options?: { signal?: AbortSignal }): Promise<Buffer> }>;
}

export interface BuildDeps {
  readonly git: ContextSource;
  readonly builder: ImageBuilder;
  readonly reporter: Pick<GitHubReporter, 'upsertCheckRun'>;
  /** Stop a build after this long (BuildTimedOut). */
  readonly timeoutMs: number;
  /** Default `Date.now`. */
  readonly now?: () => number;
}

export interface BuildContext {
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** 1 on the first run; the last attempt reports a retryable failure as final. */
  readonly attempt: number;
  readonly maxAttempts: number;
}

/**
 * Builds `job`'s image (or finds it already pushed: a replayed job, or a tag another worker finished) and reports
 * the check run. A terminal failure (the Dockerfile, a RUN step, a timeout, a forbidden push) is reported with the
 * log tail and thrown; a retryable one is thrown for the queue to retry, and reported only on the last attempt.
 */
export async function buildImage(job: BuildJob, deps: BuildDeps, ctx: BuildContext): Promise<BuiltImage> {
  const now = deps.now ?? Date.now;
  const started = now();
  const reference = `${job.repository}:${job.tag}`;
  await report(job, deps, ctx, { outcome: 'building', app: job.app, image: job.image, reference });
  let built: BuiltImage;
  try {
    const repo = await deps.git.fetch(job.repo.cloneUrl, job.sha, { signal: ctx.signal });
    built = await deps.builder.build(
      {
        app: job.app,
        repository: job.repository,
        tag: job.tag,
        context: () => repo.archive(job.sha, job.context, { signal: ctx.signal }),
        dockerfile: job.dockerfile,
        buildArgs: job.buildArgs,
        timeoutMs: deps.timeoutMs,
      },
      ctx.signal,
    );
  } catch (error) {
    ctx.signal.throwIfAborted();
    const failure = failureOf(error);
    const final = failure.terminal || ctx.attempt >= ctx.maxAttempts;
    ctx.log.warn({ reason: failure.reason, final }, `build of ${reference} failed: ${failure.message}`);
    if (final)
      await report(job, deps, ctx, {
        outcome: 'failed',
        app: job.app,
        image: job.image,
        reference,
        reason: failure.reason,
        message: failure.message,
        durationMs: now() - started,
        ...(failure.logTail !== undefined && { logTail: failure.logTail }),
      });
    throw error;
  }
  const durationMs = now() - started;
  const pinned = `${built.repository}@${built.digest}`;
  ctx.log.info({ image: pinned, durationMs }, `built ${reference}`);
  await report(job, deps, ctx, {
    outcome: 'built',
    app: job.app,
    image: job.image,
    reference: pinned,
    tag: built.tag,
    durationMs,
  });
  return built;
}

function failureOf(error: unknown): BuildFailure & { terminal: boolean } {
  if (error instanceof DeployError) {
    const cause = error.cause as Partial<BuildFailure> | undefined;
    const logTail = typeof cause?.logTail === 'string' ? cause.logTail : undefined;
    return { reason: error.reason, message: error.message, terminal: error.terminal, ...(logTail && { logTail }) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { reason: Reason.BuildFailed, message, terminal: false };
}

/** The check run; GitHub being down must not fail a build (the report adapter retries on its own). */
async function report(job: BuildJob, deps: BuildDeps, ctx: BuildContext, build: BuildReport): Promise<void> {
  const { title, summary } = describeBuild(build);
  try {
    await deps.reporter.upsertCheckRun(
      { owner: job.repo.owner, repo: job.repo.name },
      {
        sha: job.sha,
        name: job.checkName,
        externalId: `build:${job.repository}:${job.tag}`,
        progress:
          build.outcome === 'building'
            ? { status: 'in_progress' }
            : { status: 'completed', conclusion: build.outcome === 'built' ? 'success' : 'failure' },
        title,
        summary,
      },
      { signal: ctx.signal },
    );
  } catch (error) {
    ctx.signal.throwIfAborted();
    ctx.log.warn({ err: error, check: job.checkName }, 'could not write the build check run; the build goes on');
  }
}
