import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';

/** What a step records before moving on: its name plus whatever it needs to resume (plain JSON). */
export interface JobProgress {
  readonly step: string;
  readonly [detail: string]: unknown;
}

const jobProgressSchema = z.looseObject({ step: z.string().min(1) });

/**
 * What a stage's processor gets besides its job's data. Stage code depends on this, not on BullMQ, so it runs in a
 * unit test with a plain object.
 */
export interface JobContext {
  readonly jobId: string;
  /** Aborted when the worker cancels the job (shutdown, `cancelJob`): stop and throw. */
  readonly signal: AbortSignal;
  /** A child logger bound to the job (queue, job id, delivery id, environment, sha as known). */
  readonly log: Logger;
  /** 1 on the first run; a run after a retry or a crash (stalled-job recovery) counts as the next attempt. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** The progress the previous run recorded, when this run resumes one (after a retry or a killed worker). */
  readonly resumeFrom: JobProgress | undefined;
  /** Records progress in Redis; resolves once stored, so record a step *before* starting the next. */
  progress(progress: JobProgress): Promise<void>;
  /**
   * Ends this run without finishing the job: it sleeps in `delayed` (holding no slot of its queue) until `untilMs`
   * or until something promotes it, then runs again from its recorded progress. Always throws; let it propagate.
   */
  sleepUntil(untilMs: number): Promise<never>;
}

/** The progress stored in a job, when it is one we wrote. */
export function readProgress(job: Pick<Job, 'progress'>): JobProgress | undefined {
  const parsed = jobProgressSchema.safeParse(job.progress);
  return parsed.success ? parsed.data : undefined;
}

/** A {@link JobContext} for a BullMQ job. */
export function contextFor(job: Job, signal: AbortSignal, log: Logger, token?: string): JobContext {
  return {
    jobId: job.id ?? '',
    signal,
    log,
    // attemptsStarted counts runs cut short by a crash too; attemptsMade counts only failures.
    attempt: Math.max(job.attemptsStarted, job.attemptsMade + 1),
    maxAttempts: job.opts.attempts ?? 1,
    resumeFrom: readProgress(job),
    progress: (progress) => job.updateProgress(progress),
    sleepUntil: async (untilMs) => {
      await job.moveToDelayed(untilMs, token);
      // BullMQ's signal that the processor moved its job itself: no completion, no failure, no attempt used.
      throw new DelayedError();
    },
  };
}
