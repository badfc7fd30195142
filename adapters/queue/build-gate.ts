// How a deploy job waits for its builds without holding its environment's one active slot: it registers as a
// waiter of each unfinished build, moves itself to `delayed` and ends its run; the build worker promotes the
// waiters the moment a build finishes. Everything lives in Redis, so a worker restart on either side loses
// nothing: a promotion missed by a crash is made up by the fallback delay, after which the deploy checks again.
//
// Why not a BullMQ flow (parent waiting on children)? A child job has one parent: adding the same build job id
// under a second parent fails (commands/includes/handleDuplicatedJob.lua returns -7), yet one build per content
// tag must serve every environment and commit that needs it.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { builtImageSchema, type BuildRef } from './build-job.js';
import { BUILD_QUEUE, pipelineKeys, type PipelineKeys } from './queue-names.js';

/** An image a deploy needs, found in the registry or built. */
export type ReadyImage = Extract<BuildRef, { built: unknown }>;

/** Where a deploy's builds stand. */
export type BuildWait =
  | { readonly kind: 'ready'; readonly images: readonly ReadyImage[] }
  | { readonly kind: 'waiting'; readonly pending: readonly BuildRef[] }
  | { readonly kind: 'failed'; readonly failed: readonly { readonly ref: BuildRef; readonly message: string }[] };

/** Waiters are kept no longer than the build jobs themselves. */
const WAITERS_TTL_S = 7 * 24 * 3_600;

/** The build side of the deploy/build join; see the file comment. */
export class BuildGate {
  private readonly keys: PipelineKeys;
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly log?: Logger,
  ) {
    this.keys = pipelineKeys(prefix);
  }

  /**
   * Where the builds of `refs` stand, registering `waiter` (`<queue>|<job id>`) with every unfinished one first, so
   * a build finishing between this read and the caller's move to `delayed` still promotes it.
   */
  async check(refs: readonly BuildRef[], waiter: string): Promise<BuildWait> {
    const open = refs.filter((ref) => 'jobId' in ref);
    for (const ref of open) {
      const key = this.keys.buildWaiters(ref.jobId);
      await this.connection.multi().sadd(key, waiter).expire(key, WAITERS_TTL_S).exec();
    }
    const builds = this.queue(BUILD_QUEUE);
    const ready: ReadyImage[] = [];
    const pending: BuildRef[] = [];
    const failed: { ref: BuildRef; message: string }[] = [];
    for (const ref of refs) {
      if ('built' in ref) {
        ready.push(ref);
        continue;
      }
      const job = await builds.getJob(ref.jobId);
      const state = job ? await job.getState() : 'missing';
      if (state === 'completed') {
        const built = builtImageSchema.safeParse(job?.returnvalue);
        if (built.success)
          ready.push({ app: ref.app, image: ref.image, repository: ref.repository, tag: ref.tag, built: built.data });
        else failed.push({ ref, message: `build job ${ref.jobId} finished without an image reference` });
      } else if (state === 'failed') failed.push({ ref, message: job?.failedReason ?? 'failed' });
      else if (state === 'missing')
        failed.push({ ref, message: `build job ${ref.jobId} no longer exists (removed after its retention)` });
      else pending.push(ref);
    }
    if (failed.length > 0) return { kind: 'failed', failed };
    if (pending.length > 0) return { kind: 'waiting', pending };
    return { kind: 'ready', images: ready };
  }

  /** Promotes every deploy waiting for build `buildJobId` (called when it finishes, for good or not). */
  async release(buildJobId: string): Promise<void> {
    const key = this.keys.buildWaiters(buildJobId);
    for (const waiter of await this.connection.smembers(key)) {
      const bar = waiter.indexOf('|');
      const job = bar > 0 ? await this.queue(waiter.slice(0, bar)).getJob(waiter.slice(bar + 1)) : undefined;
      try {
        if (job && (await job.isDelayed())) await job.promote();
      } catch (error) {
        // Promoted or started by someone else meanwhile: nothing to do; the fallback delay covers the rest.
        this.log?.debug({ err: error, waiter }, 'waiting deploy not promoted');
      }
      await this.connection.srem(key, waiter);
    }
  }

  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(queues.map((queue) => queue.close()));
  }

  private queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      queue.on('error', (error) => this.log?.warn({ err: error, queue: name }, 'queue error'));
      this.queues.set(name, queue);
    }
    return queue;
  }
}
