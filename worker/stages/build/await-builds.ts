// The deploy side of the build stage: before an environment's deploy starts, every image it needs must be built.
import type { BuildGate, ReadyImage } from '../../../adapters/queue/build-gate.js';
import type { BuildRef } from '../../../adapters/queue/build-job.js';
import type { JobContext } from '../../../adapters/queue/job-context.js';
import { deployQueueName } from '../../../adapters/queue/queue-names.js';
import type { ImagePin } from '../../../core/build/image-pins.js';
import type { DeployRequest } from '../../../core/deploy/deploy-request.js';
import { Reason } from '../../../core/reasons.js';
import type { DeployResult } from '../deploy/deploy-types.js';

/** How long a waiting deploy sleeps before checking again on its own, if no finished build promoted it. */
export const BUILD_RECHECK_MS = 10_000;

/** What the deploy can do now. */
export type BuildsOutcome =
  | { readonly kind: 'ready'; readonly pins: readonly ImagePin[] }
  | { readonly kind: 'failed'; readonly result: DeployResult };

/**
 * The pins of every image `builds` names once all are built. While one is not, the job sleeps (see
 * JobContext.sleepUntil: this call then throws BullMQ's DelayedError, which must propagate). When one failed, the
 * deploy's result: failed with BuildDependencyFailed naming the app, nothing rendered or applied.
 */
export async function awaitBuilds(
  request: DeployRequest,
  builds: readonly BuildRef[] | undefined,
  gate: Pick<BuildGate, 'check'>,
  ctx: Pick<JobContext, 'jobId' | 'log' | 'sleepUntil'>,
  now: () => number = Date.now,
): Promise<BuildsOutcome> {
  if (builds === undefined || builds.length === 0) return { kind: 'ready', pins: [] };
  const state = await gate.check(builds, `${deployQueueName(request.environment)}|${ctx.jobId}`);
  if (state.kind === 'ready') return { kind: 'ready', pins: state.images.map(pinOf) };
  if (state.kind === 'waiting') {
    // Debug: it repeats at every check, and the `deploy/<env>` pending status already says it.
    ctx.log.debug({ builds: state.pending.map((ref) => ref.tag) }, `waiting for ${waitingFor(state.pending)}`);
    return ctx.sleepUntil(now() + BUILD_RECHECK_MS);
  }
  const message = state.failed
    .map(({ ref, message }) => `build of ${ref.app} (${ref.image}) failed: ${message}`)
    .join('; ');
  return {
    kind: 'failed',
    result: {
      environment: request.environment,
      sha: request.sha,
      mode: request.mode,
      outcome: 'failed',
      reason: Reason.BuildDependencyFailed,
      message: `${message}; nothing was deployed`,
      timings: {},
    },
  };
}

/** `build of catalog (src-1a2b3c4d)`: what a waiting deploy's status names. */
export function waitingFor(refs: readonly Pick<BuildRef, 'app' | 'tag'>[]): string {
  return `build of ${refs.map((ref) => `${ref.app} (${ref.tag.slice(0, 12)})`).join(', ')}`;
}

function pinOf(image: ReadyImage): ImagePin {
  return {
    name: image.repository,
    repository: image.built.repository,
    tag: image.built.tag,
    digest: image.built.digest,
  };
}
