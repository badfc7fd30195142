import { authenticate, authenticateApp } from './authenticate.js';
import type { EmulatorContext, IncomingCall, OutgoingResponse } from './emulator-context.js';
import type { Actor } from './emulator-state.js';
import { GitHubError, notFound, notImplemented, problemsParsingJson } from './github-error.js';
import { HANDLERS, usesAppJwt } from './handlers/index.js';

/** A REST answer plus what the call log needs to know about it. */
export interface ApiOutcome extends OutgoingResponse {
  readonly operationId: string | null;
  /** The parsed request body, for the call log (the raw text when it was not JSON). */
  readonly requestBody: unknown;
}

/**
 * Answers one REST call the way GitHub would, in GitHub's order: an unknown path is 404 whoever asks; then the
 * credential (401); then the body must be JSON (400) and satisfy the operation's schemas (422); then the handler,
 * or 501 for an operation GitHub has and the emulator does not.
 */
export function handleApiCall(context: EmulatorContext, call: IncomingCall): ApiOutcome {
  const match = context.routes.match(call.method, call.path);
  let requestBody: unknown = call.rawBody === '' ? undefined : call.rawBody;
  if (match === undefined) return { ...fromError(notFound()), operationId: null, requestBody };
  const { operation } = match;
  try {
    const actor: Actor = usesAppJwt(operation.pathTemplate)
      ? { kind: 'app', app: authenticateApp(call.authorization, context.state) }
      : authenticate(call.authorization, context.tokenPolicy, context.state);
    requestBody = parseJson(call.rawBody);
    const valid = context.validator.validate(operation, match.pathParams, call.query, requestBody);
    const handler = HANDLERS.get(operation.operationId);
    if (handler === undefined)
      throw notImplemented(operation.operationId, operation.method, operation.pathTemplate, operation.documentationUrl);
    const result = handler({
      operation,
      params: valid.pathParams,
      query: valid.query,
      body: valid.body,
      actor,
      state: context.state,
      urls: { api: call.apiBaseUrl, html: call.htmlBaseUrl },
    });
    return {
      status: result.status,
      body: result.body,
      headers: result.headers ?? {},
      operationId: operation.operationId,
      requestBody,
    };
  } catch (error) {
    if (!(error instanceof GitHubError)) throw error;
    return { ...fromError(error), operationId: operation.operationId, requestBody };
  }
}

function parseJson(rawBody: string): unknown {
  if (rawBody.trim() === '') return undefined;
  try {
    return JSON.parse(rawBody) as unknown;
  } catch {
    throw problemsParsingJson();
  }
}

function fromError(error: GitHubError): OutgoingResponse {
  return { status: error.status, body: error.body };
}
