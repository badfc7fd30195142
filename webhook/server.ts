import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { WebhookHandler } from './webhook-handler.js';
import type { WebhookResponse } from './webhook-http.js';

/**
 * After refusing a body it did not read, how long the socket stays open (neither reading nor writing) so the
 * sender receives the answer before the connection is reset.
 */
const CLOSE_GRACE_MS = 500;

/**
 * A node:http server around the handler. GitHub gives up on a delivery after 10 s, so a request that takes longer
 * than 30 s (headers included) is not GitHub's and is cut off.
 */
export function createWebhookServer(handler: WebhookHandler, log: Logger): Server {
  const server = createServer((req, res) => {
    void serve(handler, req, res, log);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return server;
}

async function serve(handler: WebhookHandler, req: IncomingMessage, res: ServerResponse, log: Logger): Promise<void> {
  let response: WebhookResponse;
  try {
    const path = new URL(req.url ?? '/', 'http://webhook').pathname;
    response = await handler.handle({ method: req.method ?? 'GET', path, headers: req.headers, body: req });
  } catch (error) {
    log.error({ err: error }, 'the handler failed');
    response = { status: 500, body: { error: 'internal error' }, closeConnection: true };
  }
  write(res, response);
  if (response.closeConnection && !req.complete) {
    // The rest of the body stays unread: let the answer reach the sender, then drop the connection.
    res.once('finish', () => setTimeout(() => req.socket.destroy(), CLOSE_GRACE_MS).unref());
  }
}

function write(res: ServerResponse, response: WebhookResponse): void {
  const text = JSON.stringify(response.body);
  res.writeHead(response.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(response.closeConnection ? { connection: 'close' } : {}),
    ...response.headers,
  });
  res.end(text);
}
