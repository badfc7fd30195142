// The handler's view of HTTP: plain data in and out, so it runs in a test without a socket, and server.ts is the
// only file that knows node:http.
import type { IncomingHttpHeaders } from 'node:http';

/** One request, as the handler needs it. */
export interface WebhookRequest {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** Lower-case names, as node:http gives them. */
  readonly headers: IncomingHttpHeaders;
  /** The raw body; read only as far as the handler needs. */
  readonly body: AsyncIterable<Uint8Array>;
}

/** One answer, always JSON. */
export interface WebhookResponse {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * True when the body was not read to its end (413, 415): the connection must close after the answer, since
   * the unread rest of the body would otherwise be taken for the next request.
   */
  readonly closeConnection?: boolean;
}

/** A single-valued header (the first value when repeated). */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `Content-Length` as a number, when present and well-formed. */
export function declaredLength(headers: IncomingHttpHeaders): number | undefined {
  const value = header(headers, 'content-length');
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

export function json(status: number, body: Record<string, unknown>, extra: Partial<WebhookResponse> = {}): WebhookResponse {
  return { status, body, ...extra };
}
