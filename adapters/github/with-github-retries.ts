import { setTimeout as sleep } from 'node:timers/promises';
import { toGitHubApiError } from './github-api-error.js';

/** The subset of a pino logger the reporter writes to; it never receives tokens, keys or request headers. */
export interface GitHubLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** How {@link withGitHubRetries} retries. */
export interface GitHubRetryOptions {
  readonly attempts: number;
  readonly maxWaitMs: number;
  readonly signal?: AbortSignal;
  readonly logger: GitHubLogger;
  /** First backoff step when GitHub names no wait; doubles per attempt. Default 500 ms. */
  readonly initialDelayMs?: number;
}

/**
 * Runs one whole reporter operation (its lookups and its write) until it succeeds, with retries for what
 * GitHub says is transient: 5xx, 408, 409, 429, secondary rate limits. Retrying the whole operation rather than
 * the failed request is what makes it safe: a create whose answer was lost is found by the lookup next time.
 * A wait GitHub asks for (`retry-after`) is honoured; one longer than `maxWaitMs` is not waited for here but
 * thrown (retryable, with `retryAfterMs`) for the queue to delay the job.
 *
 * @throws {GitHubApiError} terminal at once; retryable after the last attempt. The abort reason on abort.
 */
export async function withGitHubRetries<T>(operation: string, run: () => Promise<T>, options: GitHubRetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await run();
    } catch (thrown) {
      options.signal?.throwIfAborted();
      const error = toGitHubApiError(thrown, operation);
      const waitMs = error.retryAfterMs ?? backoff(attempt, options.initialDelayMs ?? 500);
      if (!error.retryable || attempt >= options.attempts || waitMs > options.maxWaitMs) throw error;
      options.logger.warn({ operation, status: error.status, code: error.code, attempt, waitMs }, 'GitHub call failed; retrying');
      await sleep(waitMs, undefined, { signal: options.signal });
    }
  }
}

function backoff(attempt: number, initialMs: number): number {
  return Math.round(initialMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5));
}
