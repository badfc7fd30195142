// Backoff for the errors a retry can cure (ClusterError.retryable), and only those.
import { ClusterError } from '../../core/ports/cluster-error.js';
import { onAbort } from './on-abort.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. Default 4. */
  readonly attempts: number;
  /** Delay before the second attempt; doubles each time, with jitter. Default 200 ms. */
  readonly baseDelayMs: number;
  /** No single wait exceeds this, not even a server's Retry-After. Default 5 s. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 };

/**
 * Runs `attempt` until it succeeds, throws a terminal error, or runs out of attempts (then the last error is
 * thrown). `signal` cuts a wait short, rejecting with the signal's reason.
 */
export async function withRetry<T>(attempt: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof ClusterError) || err.terminal || n >= policy.attempts || signal?.aborted) throw err;
      await sleep(delayFor(err, n, policy), signal);
    }
  }
}

/** Exponential backoff with full jitter over the upper half, or the server's Retry-After when it gave one. */
export function delayFor(err: ClusterError, attempt: number, policy: RetryPolicy): number {
  if (err.retryAfterMs !== undefined) return Math.min(err.retryAfterMs, policy.maxDelayMs);
  const ceiling = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    const unsubscribe = signal === undefined ? () => {} : onAbort(signal, aborted);
    function done() {
      unsubscribe();
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
  });
}
