// "Latest wins" within a lane of an environment (see deploy-job.ts for lanes).
//
// Each environment has a sorted set: lane → the highest sequence seen in that lane. The producer raises it when it
// adds a job; a job raises it again when it starts. Both use ZADD GT (only ever upwards), so the set holds the
// newest sequence whatever order the writes land in. A starting job whose sequence is below the lane's newest is
// superseded: a newer request for the same lane was accepted, whether it is still waiting, already ran, or ran
// while this one waited for a retry. Deployed sequences therefore only ever increase: an older commit never
// overwrites a newer one, even after a retry or a crash.
//
// Why not BullMQ's deduplication (`deduplication: { id, replace, keepLastIfActive }`)? It replaces a *delayed*
// job and keeps the last one while the holder is *active*, but a holder sitting in plain `wait` (all workers busy,
// or none running) makes a new job with the same id a silent no-op (commands/includes/deduplicateJob.lua,
// storeDeduplicatedNextJob.lua): the newest commit would be dropped exactly when pushes pile up.
import type { Redis } from 'ioredis';
import type { PipelineKeys } from './queue-names.js';

/** The outcome of {@link claimLane}. */
export type LaneClaim =
  /** This job is the newest of its lane: go ahead. */
  | { readonly kind: 'newest' }
  /** A job with a higher sequence was accepted for the lane. */
  | { readonly kind: 'superseded'; readonly newerSequence: number };

/** Raises the lane's newest sequence to `sequence` (if lower) and says whether a newer one exists. Atomic. */
export async function claimLane(client: Redis, keys: PipelineKeys, environment: string, lane: string, sequence: number): Promise<LaneClaim> {
  const key = keys.latest(environment);
  const replies = await client.multi().zadd(key, 'GT', sequence, lane).zscore(key, lane).exec();
  if (!replies || replies.length !== 2) throw new Error('Redis discarded the lane claim transaction');
  const [[addError], [readError, score]] = replies as [[Error | null, unknown], [Error | null, unknown]];
  if (addError ?? readError) throw addError ?? readError;
  const newest = Number(score);
  return newest > sequence ? { kind: 'superseded', newerSequence: newest } : { kind: 'newest' };
}
