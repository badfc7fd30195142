import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
import { toGitHubApiError } from './github-api-error.js';
import type { GitHubConfig } from './github-config.js';

/** The subset of a pino logger the reporter writes to; it never receives tokens, keys or request headers. */
export interface GitHubLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** How the Octokit retries, beyond the configuration. */
export interface OctokitRetryTuning {
  /**
   * Base of @octokit/plugin-retry's backoff for 5xx and unanswered requests: it waits 1, 4, 9... times this.
   * Default 1,000 ms (the plugin's). Tests shorten it; rate-limit waits are always what GitHub asked for.
   */
  readonly retryBaseDelayMs?: number;
}

/** Octokit's own logging, silenced: we log outcomes ourselves, structured, and Octokit's lines carry URLs we do not vet. */
const QUIET = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Every 4xx: a request GitHub refused is not retried by @octokit/plugin-retry (rate limits are the throttling plugin's). */
const CLIENT_ERRORS = Array.from({ length: 100 }, (_, i) => 400 + i);

/** The endpoint options a hook sees (the route template, not the expanded URL: no owner, sha or query in logs). */
interface HookOptions {
  readonly method: string;
  readonly url: string;
  readonly request?: { readonly signal?: AbortSignal | null };
}

/**
 * An Octokit for `config`: a token, or a GitHub App whose installation tokens @octokit/auth-app mints from the
 * App's JWT and renews before they expire (one hour), against `baseUrl` (GitHub Enterprise: `https://HOST/api/v3`).
 *
 * Retries are Octokit's own plugins, the one retry policy of this adapter:
 * - @octokit/plugin-throttling spaces writes as GitHub asks (one at a time, `writeIntervalMs` apart) and, on a primary
 *   (`x-ratelimit-remaining: 0`) or secondary ("secondary rate limit", 403 or 429) rate limit, waits what GitHub
 *   asked for (`retry-after`; the window's `x-ratelimit-reset` plus a second; 60 s for a secondary limit naming no
 *   wait), at most `retry.attempts` times in all and only when the wait fits in `retry.maxWaitMs`. A longer wait is
 *   not slept through here: the call fails retryable with `retryAfterMs`, and the queue delays the job instead.
 * - @octokit/plugin-retry retries 5xx answers and requests that got no answer, `retry.attempts` times in all, never a
 *   4xx. A request marked `request: { retries: 0 }` (a create whose duplicate GitHub would keep) is not repeated:
 *   it fails retryable, and the job's retry repeats the whole operation, which looks before it writes.
 * - An aborted signal ends the call with its reason at the next attempt, never retried.
 */
export function createOctokit(config: GitHubConfig, logger: GitHubLogger, tuning: OctokitRetryTuning = {}): Octokit {
  const { attempts, maxWaitMs } = config.retry;
  const onLimit =
    (kind: 'primary' | 'secondary') =>
    (retryAfterSeconds: number, options: HookOptions, _octokit: unknown, retryCount: number) => {
      const waitMs = retryAfterSeconds * 1000;
      const fields = { route: `${options.method} ${options.url}`, limit: kind, waitMs, attempt: retryCount + 1 };
      if (options.request?.signal?.aborted) return false;
      if (retryCount + 1 >= attempts) {
        logger.warn(fields, 'GitHub rate limit: out of attempts, not retrying');
        return false;
      }
      if (waitMs > maxWaitMs) {
        logger.warn(
          { ...fields, maxWaitMs },
          'GitHub rate limit: the wait exceeds retry.maxWaitMs; failing retryable for the queue to delay the job',
        );
        return false;
      }
      logger.warn(fields, 'GitHub rate limit: waiting as GitHub asked, then retrying');
      return true;
    };
  const GantryOctokit = Octokit.plugin(logFailedAttempts(logger), retry, throttling);
  const common = {
    baseUrl: config.baseUrl,
    userAgent: config.userAgent,
    log: QUIET,
    retry: { retries: attempts - 1, doNotRetry: CLIENT_ERRORS, retryAfterBaseValue: tuning.retryBaseDelayMs ?? 1000 },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      // The plugin's own spacing (1 s, 3 s for writes that notify), made configurable; per Octokit, not per process.
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: config.writeIntervalMs }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 3 * config.writeIntervalMs }),
    },
  };
  if (config.auth.type === 'token') return new GantryOctokit({ ...common, auth: config.auth.token });
  const { appId, privateKey, installationId } = config.auth;
  return new GantryOctokit({ ...common, authStrategy: createAppAuth, auth: { appId, privateKey, installationId } });
}

/**
 * An Octokit plugin, registered before the retry and throttling plugins so that it sees every attempt: it logs each
 * request that failed transiently (route template, status, code, attempt; never headers or bodies), and turns a failure caused by the
 * caller's abort into the abort reason, which neither plugin retries.
 */
function logFailedAttempts(logger: GitHubLogger): Parameters<typeof Octokit.plugin>[0] {
  return (octokit) => {
    const attempts = new WeakMap<object, number>();
    octokit.hook.error('request', (error, options) => {
      const signal = (options as HookOptions).request?.signal;
      if (signal?.aborted) throw signal.reason;
      const attempt = (attempts.get(options) ?? 0) + 1;
      attempts.set(options, attempt);
      const { status, code, retryable } = toGitHubApiError(error, 'request');
      // A terminal answer (a 404 the caller may expect) is the caller's to report, once.
      if (retryable)
        logger.warn({ route: `${options.method} ${options.url}`, status, code, attempt }, 'GitHub request failed');
      throw error;
    });
  };
}
