import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import { InvalidJobDataError } from './errors.js';
import { contextFor, type JobContext } from './job-context.js';

/** A stage's work for one job: plain data in, a JSON-serializable result out. */
export type JobProcessor<T, R> = (data: T, ctx: JobContext) => Promise<R>;

/** A BullMQ processor taking the abort signal BullMQ passes to processors declaring a third parameter. */
export type BullProcessor<R> = (job: Job, token: string | undefined, signal: AbortSignal | undefined) => Promise<R>;

/**
 * Parses a job's data, or fails the job for good: data that does not parse will not parse on a retry either.
 */
export function parseJobData<T>(schema: z.ZodType<T>, job: Job): T {
  const parsed = schema.safeParse(job.data);
  if (parsed.success) return parsed.data;
  const error = new InvalidJobDataError(job.queueName, job.id ?? '', z.prettifyError(parsed.error));
  throw new UnrecoverableError(error.message);
}

/**
 * What BullMQ should do with a processor's failure. Errors that say they are terminal (core's DeployError and the
 * adapters' errors carry `terminal`, decided by core/reasons.ts) become `UnrecoverableError`: the job fails at once,
 * no retry. Everything else is retried with the queue's backoff, unknown errors included: a bug fails after the
 * last attempt, a transient fault we did not foresee heals.
 */
export function toBullFailure(error: unknown): Error {
  if (error instanceof UnrecoverableError || error instanceof DelayedError) return error;
  if (isTerminal(error)) {
    const reason = typeof error.reason === 'string' ? `${error.reason}: ` : '';
    return new UnrecoverableError(`${reason}${error.message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

function isTerminal(error: unknown): error is Error & { terminal: true; reason?: unknown } {
  return error instanceof Error && (error as { terminal?: unknown }).terminal === true;
}

/** Bindings for a job's child logger. */
export type LogBindings = Record<string, string | number | undefined>;

/**
 * Runs `processor` for one BullMQ job: parses the data with `schema`, builds the {@link JobContext} and maps a
 * failure with {@link toBullFailure}.
 */
export async function runJob<T, R>(
  job: Job,
  signal: AbortSignal | undefined,
  schema: z.ZodType<T>,
  processor: JobProcessor<T, R>,
  log: Logger,
  bindings: (data: T) => LogBindings,
  token?: string,
): Promise<R> {
  const data = parseJobData(schema, job);
  const jobLog = log.child({ queue: job.queueName, jobId: job.id, ...bindings(data) });
  const ctx = contextFor(job, signal ?? new AbortController().signal, jobLog, token);
  try {
    return await processor(data, ctx);
  } catch (error) {
    throw toBullFailure(error);
  }
}
