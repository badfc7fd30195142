// A FAKE for failures only: an HTTP proxy in front of the real GitHub emulator that answers the next N requests
// itself with a chosen status, headers and GitHub-shaped body (a 503, a 429 with retry-after, a 403 secondary rate
// limit) and forwards everything else untouched. The emulator cannot be made to fail like github.com does under load,
// so this is the one hand-written piece; every request that passes is still validated by the emulator.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One injected answer. */
export interface InjectedFailure {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** GitHub's error `message`. */
  readonly message?: string;
}

/** Which requests an injection answers: all by default. */
export interface RequestMatch {
  readonly method: string;
  /** Tested against the path (with its query). */
  readonly path: RegExp;
}

/** A running proxy. */
export interface FaultProxy {
  readonly url: string;
  /** Requests answered by injection so far. */
  readonly injected: number;
  /** Answers the next `count` requests (those matching `match`, when given) with `failure`. */
  failNext(count: number, failure: InjectedFailure, match?: RequestMatch): void;
  close(): Promise<void>;
}

/** Starts a proxy to `targetUrl` (the emulator's URL). */
export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  let pending: { count: number; failure: InjectedFailure; match?: RequestMatch } = { count: 0, failure: { status: 503 } };
  const matches = (method = '', path = '') =>
    pending.match === undefined || (pending.match.method === method && pending.match.path.test(path));
  let injected = 0;
  const server = createServer((request, response) => {
    if (pending.count > 0 && matches(request.method, request.url)) {
      pending.count--;
      injected++;
      const { status, headers = {}, message = 'Service Unavailable' } = pending.failure;
      const body = JSON.stringify({ message, documentation_url: 'https://docs.github.com/rest', status: String(status) });
      request.resume();
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(body);
      return;
    }
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: request.url, method: request.method, headers: { ...request.headers, host: target.host } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', (error) => response.writeHead(502).end(String(error)));
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get injected() {
      return injected;
    },
    failNext: (count, failure, match) => {
      pending = { count, failure, match };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
