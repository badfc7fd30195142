import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';

/** What GitHub's answer (or its absence) meant. */
export type GitHubFailure =
  /** 401: the token or the App's JWT was refused. */
  | 'unauthorized'
  /** 403 without any rate-limit sign: the credentials lack a permission. */
  | 'forbidden'
  /** 404: no such repository, pull request or deployment, or one the credentials may not see. */
  | 'not-found'
  /** 400/422 and other 4xx: GitHub rejected the request itself (schema, state, size). */
  | 'invalid'
  /** 409: a concurrent change. */
  | 'conflict'
  /** 429, or 403 with `retry-after`, `x-ratelimit-remaining: 0` or a rate-limit message (secondary limits). */
  | 'rate-limited'
  /** 5xx. */
  | 'server-error'
  /** 408. */
  | 'timeout'
  /** No HTTP answer: connection refused or reset, DNS, TLS. */
  | 'unreachable';

const REASON_OF: Readonly<Record<GitHubFailure, Reason>> = {
  unauthorized: Reason.Forbidden,
  forbidden: Reason.Forbidden,
  'not-found': Reason.NotFound,
  invalid: Reason.ValidationFailed,
  conflict: Reason.Conflict,
  'rate-limited': Reason.RateLimited,
  'server-error': Reason.ApiServerError,
  timeout: Reason.RequestTimeout,
  // Core has no "GitHub unreachable"; an unanswered request is as transient as a 5xx.
  unreachable: Reason.ApiServerError,
};

/** GitHub's documented advice for a secondary rate limit that names no wait: at least a minute. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;

/** A GitHub request that failed; `reason` (and so `terminal`) follows from `code`. */
export class GitHubApiError extends DeployError {
  override readonly name = 'GitHubApiError';

  constructor(
    readonly code: GitHubFailure,
    /** What we were doing, e.g. `create commit status deploy/dev on acme/gitops@1a2b3c4`. */
    readonly operation: string,
    /** GitHub's own words (its `message`, and each entry of `errors`), or the transport's. */
    readonly detail: string,
    readonly extra: { readonly status?: number; readonly retryAfterMs?: number; readonly cause?: unknown } = {},
  ) {
    const status = extra.status === undefined ? '' : ` (${extra.status})`;
    super(REASON_OF[code], `GitHub ${operation} failed${status}: ${detail}`, { cause: extra.cause });
  }

  get status(): number | undefined {
    return this.extra.status;
  }

  /** How long GitHub asked us to wait (`retry-after`, or until the rate-limit window resets). */
  get retryAfterMs(): number | undefined {
    return this.extra.retryAfterMs;
  }

  /** True when a later attempt may succeed (the opposite of `terminal`). */
  get retryable(): boolean {
    return !this.terminal;
  }
}

/** The shape of Octokit's RequestError that we read (duck-typed: `instanceof` breaks across module copies). */
interface HttpFailure {
  readonly status: number;
  readonly message: string;
  readonly response?: { readonly headers: Record<string, string | number | undefined>; readonly data: unknown };
}

/** Turns whatever Octokit threw into a classified {@link GitHubApiError}. */
export function toGitHubApiError(error: unknown, operation: string, now: number = Date.now()): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  if (!isHttpFailure(error) || error.response === undefined) {
    // Octokit reports a request that got no answer as status 500 without a response.
    const detail = error instanceof Error ? messageWithCause(error) : String(error);
    return new GitHubApiError('unreachable', operation, detail, { cause: error });
  }
  const { status, response } = error;
  const detail = describeBody(response.data) ?? error.message;
  const code = classify(status, response.headers, detail);
  const retryAfterMs = code === 'rate-limited' ? waitFromHeaders(response.headers, now) : undefined;
  return new GitHubApiError(code, operation, detail, { status, retryAfterMs, cause: error });
}

function classify(status: number, headers: Record<string, unknown>, detail: string): GitHubFailure {
  if (status === 429) return 'rate-limited';
  if (status === 403) {
    const limited = headers['retry-after'] !== undefined || String(headers['x-ratelimit-remaining']) === '0';
    return limited || /rate limit/i.test(detail) ? 'rate-limited' : 'forbidden';
  }
  if (status === 401) return 'unauthorized';
  if (status === 404) return 'not-found';
  if (status === 408) return 'timeout';
  if (status === 409) return 'conflict';
  if (status >= 500) return 'server-error';
  return 'invalid';
}

/** `retry-after` (seconds or an HTTP date), else the primary limit's reset time, else a minute for a secondary limit. */
function waitFromHeaders(headers: Record<string, unknown>, now: number): number | undefined {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(String(retryAfter));
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  if (String(headers['x-ratelimit-remaining']) === '0' && headers['x-ratelimit-reset'] !== undefined) {
    return Math.max(0, Number(headers['x-ratelimit-reset']) * 1000 - now);
  }
  return SECONDARY_LIMIT_WAIT_MS;
}

/** GitHub's `message` plus each `errors` entry (422 "Validation Failed" puts the useful part there). */
function describeBody(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object') return typeof data === 'string' && data !== '' ? data : undefined;
  const body = data as { message?: unknown; errors?: unknown };
  if (typeof body.message !== 'string') return undefined;
  const errors = Array.isArray(body.errors) ? body.errors.map(describeErrorItem) : [];
  return [body.message.trim(), ...errors].join('\n');
}

function describeErrorItem(item: unknown): string {
  if (typeof item === 'string') return `- ${item}`;
  const { resource, field, code, message } = (item ?? {}) as Record<string, unknown>;
  if (typeof message === 'string') return `- ${message}`;
  return `- ${[resource, field, code].filter((part) => part !== undefined).join(' ')}`;
}

function isHttpFailure(error: unknown): error is HttpFailure {
  return error instanceof Error && typeof (error as { status?: unknown }).status === 'number';
}

function messageWithCause(error: Error): string {
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
