import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext, IncomingCall, OutgoingResponse } from './emulator-context.js';
import { GitHubError } from './github-error.js';
import { ADMIN_PREFIX, handleAdminCall } from './handle-admin-call.js';
import { handleApiCall } from './handle-api-call.js';

/** GitHub Enterprise Server serves the REST API under this prefix; Octokit users point `baseUrl` at it. */
const ENTERPRISE_PREFIX = '/api/v3';
/** Larger bodies are refused: nothing the pipeline sends comes close (a check run summary is at most 64 KB). */
const MAX_BODY_BYTES = 25 * 1024 * 1024;

/** A structured log line; the emulator never puts a credential or a webhook secret in one. */
export type LogLine = Readonly<Record<string, unknown>>;

/**
 * The node:http request listener: strips `/api/v3`, sends `/_emulator/…` to the admin API and everything else to
 * the REST emulation, records REST calls, writes JSON with GitHub's headers and logs one line per request.
 */
export function createRequestListener(context: EmulatorContext, baseUrl: () => string, log: (line: LogLine) => void) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const started = process.hrtime.bigint();
    void serve(context, request, baseUrl())
      .catch((error: unknown): OutgoingResponse & { operationId: null } => {
        log({
          level: 'error',
          msg: 'emulator failure',
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
        return {
          status: 500,
          body: { message: 'GitHub emulator failure (see its log)', status: '500' },
          operationId: null,
        };
      })
      .then((outcome) => {
        write(response, outcome);
        log({
          level: 'info',
          msg: 'request',
          method: request.method,
          // The path only: query strings could carry credentials (client_secret) on some endpoints.
          path: (request.url ?? '/').split('?')[0],
          operationId: outcome.operationId,
          status: outcome.status,
          ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
        });
      });
  };
}

async function serve(
  context: EmulatorContext,
  request: IncomingMessage,
  baseUrl: string,
): Promise<OutgoingResponse & { operationId: string | null }> {
  const url = new URL(request.url ?? '/', baseUrl);
  const enterprise = url.pathname === ENTERPRISE_PREFIX || url.pathname.startsWith(`${ENTERPRISE_PREFIX}/`);
  const path = enterprise ? url.pathname.slice(ENTERPRISE_PREFIX.length) || '/' : url.pathname;
  const method = (request.method ?? 'GET').toUpperCase();
  let rawBody: string;
  try {
    rawBody = await readBody(request);
  } catch (error) {
    if (error instanceof GitHubError) return { status: error.status, body: error.body, operationId: null };
    throw error;
  }
  const call: IncomingCall = {
    method,
    path,
    query: url.searchParams,
    authorization: request.headers.authorization,
    rawBody,
    apiBaseUrl: enterprise ? baseUrl + ENTERPRISE_PREFIX : baseUrl,
    htmlBaseUrl: baseUrl,
  };
  if (path.startsWith(ADMIN_PREFIX)) return { ...(await handleAdminCall(context, call)), operationId: null };
  // Injected failures stand in for GitHub's front end: they are not in the call log, which holds what GitHub served.
  const fault = context.faults.take(method, path);
  if (fault !== undefined)
    return { ...fault, operationId: context.routes.match(method, path)?.operation.operationId ?? null };

  const outcome = handleApiCall(context, call);
  context.calls.record({
    method,
    path,
    query: Object.fromEntries(url.searchParams),
    operationId: outcome.operationId,
    status: outcome.status,
    requestBody: outcome.requestBody,
    responseBody: outcome.body,
  });
  return outcome;
}

function write(response: ServerResponse, outcome: OutgoingResponse): void {
  const headers: Record<string, string> = {
    'x-github-request-id': randomUUID().toUpperCase(),
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    'x-ratelimit-used': '1',
    'x-ratelimit-resource': 'core',
    ...outcome.headers,
  };
  if (outcome.body === undefined || outcome.status === 204) {
    response.writeHead(outcome.status, headers).end();
    return;
  }
  const json = JSON.stringify(outcome.body);
  response
    .writeHead(outcome.status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(json)),
    })
    .end(json);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new GitHubError(413, 'Payload too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
