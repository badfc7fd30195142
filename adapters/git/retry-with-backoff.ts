import { setTimeout as sleep } from 'node:timers/promises';

/** How {@link retryWithBackoff} spaces its attempts. */
export interface BackoffOptions {
  /** Total attempts, the first included. Default 4. */
  readonly attempts?: number;
  /** Delay before the second attempt; each later one doubles, with ±25 % jitter. Default 250 ms. */
  readonly initialDelayMs?: number;
  /** Ceiling for one delay. Default 5 s. */
  readonly maxDelayMs?: number;
}

/**
 * Runs `attempt` until it succeeds, fails with an error `isRetryable` rejects, runs out of attempts (the last error
 * is thrown), or `signal` aborts (the abort reason is thrown, also while waiting between attempts).
 */
export async function retryWithBackoff<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  options: BackoffOptions & { readonly signal?: AbortSignal; readonly onRetry?: (error: unknown, delayMs: number) => void } = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4);
  for (let n = 1; ; n++) {
    options.signal?.throwIfAborted();
    try {
      return await attempt(n);
    } catch (error) {
      options.signal?.throwIfAborted();
      if (n >= attempts || !isRetryable(error)) throw error;
      const delayMs = backoffDelay(n, options);
      options.onRetry?.(error, delayMs);
      await sleep(delayMs, undefined, { signal: options.signal });
    }
  }
}

/** The delay after the `n`th failed attempt (1-based). */
export function backoffDelay(n: number, options: BackoffOptions = {}): number {
  const base = (options.initialDelayMs ?? 250) * 2 ** (n - 1);
  const jitter = 0.75 + Math.random() * 0.5;
  return Math.round(Math.min(options.maxDelayMs ?? 5_000, base * jitter));
}
