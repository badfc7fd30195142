import { RequestError } from '@octokit/request-error';
import { toGitHubApiError } from '../../../../adapters/github/index.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const request = { method: 'POST' as const, url: 'https://api.github.com/x', headers: { authorization: 'token ghp_secret' } };

/** Octokit's own error for an answer with `status`, `headers` and GitHub's JSON body. */
function answered(status: number, headers: Record<string, string>, data: unknown): RequestError {
  return new RequestError('failed', status, { request, response: { status, url: request.url, headers, data } });
}

describe('toGitHubApiError', () => {
  it.each([
    [401, {}, 'Bad credentials', 'unauthorized', true],
    [403, {}, 'Resource not accessible by integration', 'forbidden', true],
    [404, {}, 'Not Found', 'not-found', true],
    [422, {}, 'Validation Failed', 'invalid', true],
    [409, {}, 'Conflict', 'conflict', false],
    [408, {}, 'Timeout', 'timeout', false],
    [429, {}, 'Too Many Requests', 'rate-limited', false],
    [403, { 'retry-after': '30' }, 'Forbidden', 'rate-limited', false],
    [403, {}, 'You have exceeded a secondary rate limit', 'rate-limited', false],
    [403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1767225660' }, 'API rate limit exceeded', 'rate-limited', false],
    [502, {}, 'Server Error', 'server-error', false],
  ])('classifies %i %j "%s" as %s (terminal: %s)', (status, headers, message, code, terminal) => {
    const error = toGitHubApiError(answered(status, headers, { message }), 'op', NOW);

    expect(error).toMatchObject({ code, terminal, status });
    expect(error.message).toBe(`GitHub op failed (${status}): ${message}`);
  });

  it.each([
    [{ 'retry-after': '30' }, 30_000],
    [{ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }, 10_000],
    [{ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 60) }, 60_000],
    [{}, 60_000],
  ])('reads the wait of a rate limit from %j', (headers, waitMs) => {
    expect(toGitHubApiError(answered(429, headers, { message: 'slow down' }), 'op', NOW).retryAfterMs).toBe(waitMs);
  });

  it('lists the entries of a "Validation Failed" body', () => {
    const body = { message: 'Validation Failed', errors: [{ resource: 'Status', field: 'state', code: 'invalid' }, { message: 'description is too long' }] };

    expect(toGitHubApiError(answered(422, {}, body), 'op').detail).toBe('Validation Failed\n- Status state invalid\n- description is too long');
  });

  it('treats a request that got no answer as retryable "unreachable"', () => {
    const error = toGitHubApiError(new RequestError('connect ECONNREFUSED 127.0.0.1:1', 500, { request }), 'op');

    expect(error).toMatchObject({ code: 'unreachable', terminal: false, reason: 'ApiServerError' });
    expect(error.message).toContain('ECONNREFUSED');
  });
});
