// Raw JSON over HTTPS to the API server, authenticated from a client-node KubeConfig.
//
// Why not KubernetesObjectApi for the requests themselves: client-node 1.4 runs every body through its typed model
// serializer, which silently drops fields its models do not know (a typo like `spec.replcas`, or a field newer than
// the client) and rewrites timestamps; a GitOps apply must send exactly what was rendered and diff exactly what the
// server returned. It also builds a new https.Agent (a new TLS handshake) per request, which a 1,000-object apply
// cannot afford. So KubeConfig supplies the credentials and TLS material; this file sends the bytes, over one
// keep-alive agent.
import type { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import https from 'node:https';
import { onAbort } from '../common/on-abort.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface KubeRequest {
  readonly method: HttpMethod;
  /** Absolute API path, e.g. `/apis/apps/v1/namespaces/shop/deployments/api`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** Sent as JSON (JSON is valid YAML, so it also serves `application/apply-patch+yaml`). */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
}

export interface KubeResponse {
  readonly status: number;
  /** Parsed JSON when the server sent JSON, else the text. */
  readonly body: unknown;
  readonly headers: http.IncomingHttpHeaders;
}

export interface TransportOptions {
  /** Sockets kept open to the API server; bounds parallelism at the socket level. Default 32. */
  readonly maxSockets?: number;
  /** A request with no response after this long fails with a timeout. Default 30 s. */
  readonly requestTimeoutMs?: number;
}

/** One keep-alive connection pool to the current context's API server. */
export class KubeTransport {
  readonly server: URL;
  private readonly kc: KubeConfig;
  private readonly timeoutMs: number;
  private readonly maxSockets: number;
  private agent: http.Agent | undefined;

  constructor(kc: KubeConfig, options: TransportOptions = {}) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error(`kubeconfig has no cluster for context ${JSON.stringify(kc.getCurrentContext())}`);
    this.kc = kc;
    this.server = new URL(cluster.server);
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.maxSockets = options.maxSockets ?? 32;
  }

  /** Sends one request; resolves with any HTTP status, rejects only when no response arrived. */
  async request(req: KubeRequest): Promise<KubeResponse> {
    req.signal?.throwIfAborted();
    const auth: https.RequestOptions = {};
    // Per request, as client-node does: exec and token-file credentials refresh themselves here.
    await this.kc.applyToHTTPSOptions(auth);
    const agent = this.agentFor(auth);
    const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: http.OutgoingHttpHeaders = {
      ...(auth.headers as http.OutgoingHttpHeaders),
      Accept: 'application/json',
    };
    if (body)
      Object.assign(headers, { 'Content-Type': req.contentType ?? 'application/json', 'Content-Length': body.length });
    const url = this.urlFor(req);
    const options: https.RequestOptions = {
      method: req.method,
      headers,
      agent,
      auth: auth.auth,
      timeout: this.timeoutMs,
    };
    return send(url, options, body, req.signal);
  }

  /** Closes the pooled connections (idle ones at once). */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  private urlFor(req: KubeRequest): URL {
    const url = new URL(this.server.pathname.replace(/\/$/, '') + req.path, this.server);
    for (const [key, value] of Object.entries(req.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, value);
    return url;
  }

  private agentFor(auth: https.RequestOptions): http.Agent {
    if (this.agent) return this.agent;
    const pool = { keepAlive: true, maxSockets: this.maxSockets };
    this.agent =
      this.server.protocol === 'http:'
        ? new http.Agent(pool)
        : new https.Agent({
            ...pool,
            ca: auth.ca,
            cert: auth.cert,
            key: auth.key,
            pfx: auth.pfx,
            passphrase: auth.passphrase,
            rejectUnauthorized: auth.rejectUnauthorized,
            servername: auth.servername,
          });
    return this.agent;
  }
}

/** A request that ran out of time: the error the transport raises, for errors.ts to classify. */
export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeoutError';
  readonly code = 'ETIMEDOUT';
}

/**
 * One request. The caller's signal is not handed to `http.request` (one listener per request in flight on a signal
 * shared by a dozen concurrent requests): the request subscribes through {@link onAbort} and is destroyed with the
 * signal's reason, as `http.request({ signal })` would.
 */
function send(
  url: URL,
  options: https.RequestOptions,
  body: Buffer | undefined,
  signal: AbortSignal | undefined,
): Promise<KubeResponse> {
  const lib = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const req = lib.request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: parseBody(Buffer.concat(chunks), res.headers['content-type']),
        }),
      );
    });
    req.on('timeout', () => req.destroy(new RequestTimeoutError(`no response within ${options.timeout} ms`)));
    req.on('error', reject);
    if (signal !== undefined)
      req.on(
        'close',
        onAbort(signal, () => req.destroy(abortError(signal))),
      );
    req.end(body);
  });
}

/** What `http.request({ signal })` destroys a request with; errors.ts turns it into the signal's reason. */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), {
    name: 'AbortError',
    code: 'ABORT_ERR',
  });
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8');
  if (contentType?.includes('json') && text.length > 0) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
