// The small HTTP scaffolding every sample service shares: JSON responses, the two probe endpoints, request metrics
// for Prometheus (`/metrics`, the series apps/README.md "Metrics" names), structured logs and a graceful shutdown. Each app keeps its own copy because each app is built from its own directory (the Docker
// build context), and the samples must stay free of npm dependencies.
import { createServer } from 'node:http';

/**
 * Writes one JSON log line to stdout (what the cluster's log collector expects).
 * @param {string} app
 * @param {Record<string, unknown>} fields
 */
export function log(app, fields) {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), app, ...fields })}\n`);
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
export function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Reads a JSON request body of at most 64 KiB.
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<unknown>}
 */
export async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 65_536) throw new HttpError(413, 'request body over 64 KiB');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

/** An error that becomes an HTTP response with its status and message. */
export class HttpError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Calls another service and returns its JSON body; a timeout or non-2xx answer becomes a 502 for our caller.
 * @param {string} url
 * @param {RequestInit} [init]
 */
export async function fetchJson(url, init = {}) {
  let res;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
  } catch (err) {
    throw new HttpError(502, `${url} unreachable: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!res.ok) throw new HttpError(res.status === 404 ? 404 : 502, `${url} answered ${res.status}`);
  return res.json();
}

// Prometheus client libraries' default buckets, seconds.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The request metrics the canary analysis reads: `http_requests_total` by status code and the
 * `http_request_duration_seconds` histogram. Probes and scrapes are not requests of the app and are not counted.
 * The `app`, `namespace` and `version` labels come from the scrape (pod metadata), not from here.
 */
function requestMetrics() {
  /** @type {Map<string, number>} */
  const byCode = new Map();
  const buckets = BUCKETS.map(() => 0);
  let count = 0;
  let sum = 0;
  return {
    /** @param {number} status @param {number} seconds */
    observe(status, seconds) {
      byCode.set(String(status), (byCode.get(String(status)) ?? 0) + 1);
      BUCKETS.forEach((le, i) => {
        if (seconds <= le) buckets[i] += 1;
      });
      count += 1;
      sum += seconds;
    },
    /** The text exposition format, version 0.0.4. */
    render() {
      return [
        '# HELP http_requests_total HTTP requests served, by status code.',
        '# TYPE http_requests_total counter',
        ...[...byCode].map(([code, n]) => `http_requests_total{code="${code}"} ${n}`),
        '# HELP http_request_duration_seconds Time to serve an HTTP request.',
        '# TYPE http_request_duration_seconds histogram',
        ...BUCKETS.map((le, i) => `http_request_duration_seconds_bucket{le="${le}"} ${buckets[i]}`),
        `http_request_duration_seconds_bucket{le="+Inf"} ${count}`,
        `http_request_duration_seconds_sum ${sum}`,
        `http_request_duration_seconds_count ${count}`,
        '',
      ].join('\n');
    },
  };
}

/**
 * Starts the service. `/healthz` answers while the process runs; `/readyz` answers 200 until SIGTERM, then 503 for
 * `drainMs` so the endpoints controller takes the pod out of the Service before the server stops accepting.
 * @param {{
 *   app: string,
 *   port: number,
 *   drainMs: number,
 *   isReady?: () => boolean,
 *   handle: (req: import('node:http').IncomingMessage, url: URL, res: import('node:http').ServerResponse) => Promise<boolean>,
 * }} options  `handle` returns false when it does not know the route.
 */
export function startService({ app, port, drainMs, isReady = () => true, handle }) {
  let draining = false;
  const metrics = requestMetrics();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://service.local');
    try {
      if (req.method === 'GET' && url.pathname === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        return res.end(metrics.render());
      }
      if (req.method === 'GET' && url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (req.method === 'GET' && url.pathname === '/readyz') {
        const ready = !draining && isReady();
        return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' });
      }
      const started = process.hrtime.bigint();
      res.once('finish', () => metrics.observe(res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
      if (!(await handle(req, url, res))) sendJson(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      if (status >= 500) log(app, { level: 'error', msg: 'request failed', path: url.pathname, error: String(err) });
      sendJson(res, status, { error: err instanceof HttpError ? err.message : 'internal error' });
    }
  });
  server.listen(port, () => {
    const address = server.address();
    log(app, { level: 'info', msg: 'listening', port: typeof address === 'object' && address ? address.port : port });
  });
  process.once('SIGTERM', () => {
    draining = true;
    log(app, { level: 'info', msg: 'draining', drainMs });
    setTimeout(() => {
      server.close(() => process.exit(0));
      server.closeIdleConnections();
    }, drainMs).unref();
  });
  return server;
}

/**
 * Reads a numeric environment variable, refusing garbage instead of turning it into NaN.
 * @param {string} name
 * @param {number} fallback
 */
export function intFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}
