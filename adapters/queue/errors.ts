import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';

/**
 * Redis did not take the write (disconnected, timed out, refused). Retryable: the sender should try again, and
 * nothing was half-stored (a plan job either exists under its delivery id or it does not).
 */
export class QueueUnavailableError extends DeployError {
  override readonly name = 'QueueUnavailableError';

  constructor(detail: string, options?: { cause?: unknown }) {
    super(Reason.QueueUnavailable, `queue unavailable: ${detail}`, options);
  }
}

/** A job's data read back from Redis does not have the shape its queue declares. Terminal: retrying reads the same. */
export class InvalidJobDataError extends Error {
  override readonly name = 'InvalidJobDataError';

  constructor(
    readonly queue: string,
    readonly jobId: string,
    detail: string,
  ) {
    super(`job ${jobId} of queue ${queue} has invalid data: ${detail}`);
  }
}

/**
 * Rejects with {@link QueueUnavailableError} when `promise` has not settled within `ms`.
 *
 * The operation itself is not cancelled: a write that completes after the deadline is still a complete write,
 * which is why every write the pipeline makes has a deterministic id (the late job is found as a duplicate).
 */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new QueueUnavailableError(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
