// Git's own smart-HTTP server (`git http-backend`, the CGI program shipped with git) behind a small Node HTTP server
// that can demand basic auth and fail the next N requests, so the mirror meets real transport failures: a 503 from
// the host, a refused credential, and then a working fetch over the same protocol GitHub speaks.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running git smart-HTTP server over the bare repositories under `projectRoot`. */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>`; a repository is `${url}/<name>.git`. */
  readonly url: string;
  /** Requests received so far (including failed ones). */
  readonly requests: number;
  /** Answers the next `count` requests with `status` instead of serving them. */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

/** Starts the server; with `auth`, every request must carry exactly these basic-auth credentials. */
export async function startGitHttpServer(
  projectRoot: string,
  auth?: { readonly user: string; readonly password: string },
): Promise<GitHttpServer> {
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  let requests = 0;
  const expected = auth === undefined ? undefined : `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
  const server = createServer((request, response) => {
    requests++;
    if (failures.count > 0) {
      failures.count--;
      response.writeHead(failures.status).end('injected failure\n');
      return;
    }
    if (expected !== undefined && request.headers.authorization !== expected) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end('bad credentials\n');
      return;
    }
    serveWithHttpBackend(projectRoot, request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    failNext: (count, status) => {
      failures = { count, status };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Runs `git http-backend` as a CGI for one request and relays its answer. */
function serveWithHttpBackend(projectRoot: string, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    REQUEST_METHOD: request.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: request.headers['content-type'] ?? '',
    HTTP_CONTENT_ENCODING: request.headers['content-encoding'] ?? '',
    GIT_PROTOCOL: String(request.headers['git-protocol'] ?? ''),
    REMOTE_ADDR: '127.0.0.1',
  };
  const cgi = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  request.pipe(cgi.stdin);
  let head = Buffer.alloc(0);
  let headersSent = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (headersSent) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersSent = true;
    writeCgiHeaders(response, head.subarray(0, end).toString('latin1'));
    response.write(head.subarray(end + 4));
  });
  cgi.on('close', () => response.end());
}

function writeCgiHeaders(response: ServerResponse, block: string): void {
  let status = 200;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
    else response.setHeader(name, value);
  }
  response.statusCode = status;
}
