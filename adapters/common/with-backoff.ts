// The one retry policy of the adapters that talk to servers by request (the kube API server, git remotes): retry
// what the adapter calls retryable, wait what the server asked for (429 / APF `Retry-After`) or else back off
// exponentially with jitter, never longer than a cap, and stop at once when the caller's signal aborts.
// GitHub goes through Octokit's own retry and throttling plugins instead (adapters/github).
import { onAbort } from './on-abort.js';

/** How many attempts, and how far apart. */
export interface BackoffPolicy {
  /** Attempts in all, the first included. Default 4. */
  readonly attempts: number;
  /** Delay before the second attempt; doubles each time, with jitter. Default 250 ms. */
  readonly initialDelayMs: number;
  /** No single wait exceeds this, not even a server's Retry-After. Default 5 s. */
  readonly maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { attempts: 4, initialDelayMs: 250, maxDelayMs: 5_000 };

/** What the adapter knows about its own errors. */
export interface RetryRules {
  /** True when trying again may cure `error` (a transient failure); anything else is thrown at once. */
  readonly retryable: (error: unknown) => boolean;
  /** The wait the server asked for (`Retry-After` on a 429 or 503), when it named one. */
  readonly retryAfterMs?: (error: unknown) => number | undefined;
  /** Cuts a wait short and stops further attempts, rejecting with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Told before each wait: for a log line. */
  readonly onRetry?: (error: unknown, delayMs: number, attempt: number) => void;
}

/**
 * Runs `attempt` (given its 1-based number) until it succeeds, throws an error `rules.retryable` rejects, or runs
 * out of attempts (the last error is thrown). An abort, during an attempt or a wait, rejects with its reason.
 */
export async function withBackoff<T>(
  attempt: (n: number) => Promise<T>,
  policy: BackoffPolicy,
  rules: RetryRules,
): Promise<T> {
  const { signal } = rules;
  for (let n = 1; ; n++) {
    signal?.throwIfAborted();
    try {
      return await attempt(n);
    } catch (error) {
      signal?.throwIfAborted();
      if (n >= policy.attempts || !rules.retryable(error)) throw error;
      const delayMs = backoffDelay(n, policy, rules.retryAfterMs?.(error));
      rules.onRetry?.(error, delayMs, n);
      await sleep(delayMs, signal);
    }
  }
}

/**
 * The wait after failed attempt `n` (1-based): the server's `retryAfterMs` when it named one, else exponential
 * backoff with jitter over the upper half of the step (so concurrent callers spread out but never retry early);
 * capped at `policy.maxDelayMs` either way.
 */
export function backoffDelay(n: number, policy: BackoffPolicy, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), policy.maxDelayMs);
  const ceiling = Math.min(policy.initialDelayMs * 2 ** (n - 1), policy.maxDelayMs);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** One shared abort listener per signal however many waits use it (see on-abort.ts). */
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
