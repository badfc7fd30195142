// Following a CodeBuild build to its end. CodeBuild has no push notification the worker could wait on without more
// infrastructure (EventBridge), so the build is polled with BatchGetBuilds, starting fast (most failures come early)
// and backing off to a slow steady pace for long builds.
import { BatchGetBuildsCommand, StopBuildCommand, type Build, type CodeBuildClient } from '@aws-sdk/client-codebuild';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';
import { callAws } from './aws-error.js';

/** Polling pace: the first wait, and the longest one it grows to (×1.5 per poll). */
export interface PollPace {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** The default pace: 2 s, growing to 15 s. */
export const DEFAULT_POLL_PACE: PollPace = { initialMs: 2_000, maxMs: 15_000 };

/** How long a stopped build may take to report its end before we give up following it (StopBuild is asynchronous). */
export const STOP_GRACE_MS = 120_000;

/** How a followed build ended. `stoppedAtTimeout`: we stopped it because it ran past the request's timeout. */
export interface FollowedBuild {
  readonly build: Build;
  readonly stoppedAtTimeout: boolean;
}

/**
 * Polls build `id` until CodeBuild says it is complete. Past `deadline` (epoch ms) it stops the build (StopBuild)
 * and keeps polling until CodeBuild reports it ended (for at most {@link STOP_GRACE_MS}), so the caller does not
 * leave a build running behind a BuildTimedOut. An abort stops the following, not the build: another job may still
 * need it.
 */
export async function followBuild(
  codebuild: CodeBuildClient,
  id: string,
  deadline: number,
  pace: PollPace,
  signal?: AbortSignal,
): Promise<FollowedBuild> {
  const object = `CodeBuild build ${id}`;
  let waitMs = pace.initialMs;
  let stopped = false;
  let stoppedAt = 0;
  for (;;) {
    signal?.throwIfAborted();
    const answer = await callAws(object, 'codebuild:BatchGetBuilds', () =>
      codebuild.send(new BatchGetBuildsCommand({ ids: [id] }), { abortSignal: signal }),
    );
    const build = answer.builds?.find((candidate) => candidate.id === id);
    if (!build)
      throw new DeployError(Reason.NotFound, `${object} is not known to CodeBuild (deleted with its project?)`);
    if (isComplete(build) || (stopped && Date.now() - stoppedAt > STOP_GRACE_MS))
      return { build, stoppedAtTimeout: stopped };
    if (!stopped && Date.now() >= deadline) {
      await callAws(object, 'codebuild:StopBuild', () =>
        codebuild.send(new StopBuildCommand({ id }), { abortSignal: signal }),
      );
      stopped = true;
      stoppedAt = Date.now();
      waitMs = pace.initialMs;
    }
    const untilDeadline = stopped ? waitMs : Math.max(0, deadline - Date.now());
    await sleep(Math.min(waitMs, untilDeadline), undefined, { signal });
    waitMs = Math.min(pace.maxMs, Math.round(waitMs * 1.5));
  }
}

function isComplete(build: Build): boolean {
  // `buildComplete` is the documented end marker; a status other than IN_PROGRESS also means it ended.
  return build.buildComplete === true || (build.buildStatus !== undefined && build.buildStatus !== 'IN_PROGRESS');
}

/** The failure text CodeBuild recorded in the build's phases (`COMMAND_EXECUTION_ERROR: …`), if any. */
export function phaseFailure(build: Build): string | undefined {
  for (const phase of build.phases ?? [])
    if (phase.phaseStatus !== undefined && phase.phaseStatus !== 'SUCCEEDED')
      for (const context of phase.contexts ?? [])
        if (context.message)
          return `${phase.phaseType ?? 'phase'} ${context.statusCode ?? phase.phaseStatus}: ${context.message}`;
  return undefined;
}
