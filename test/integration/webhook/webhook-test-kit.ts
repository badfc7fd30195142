// A webhook server on a loopback port, wired to queues on a Redis, with its log lines captured.
import type { Server } from 'node:http';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { PipelineQueues } from '../../../adapters/queue/pipeline-queues.js';
import { createWebhookServer } from '../../../webhook/server.js';
import { createWebhookHandler, WEBHOOK_PATH } from '../../../webhook/webhook-handler.js';

export const SECRET = 'It\'s a Secret to Everybody';

/** A running webhook service. */
export interface RunningWebhook {
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  /** The delivery URL. */
  readonly url: string;
  /** Every log line so far, as text (JSON). */
  readonly logs: string[];
  close(): Promise<void>;
}

export async function startWebhook(connection: Redis, prefix: string, options: { deadlineMs?: number } = {}): Promise<RunningWebhook> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const log = pino({ level: 'debug' }, sink);
  const queues = new PipelineQueues({ connection, prefix, log, deadlineMs: options.deadlineMs });
  const server: Server = createWebhookServer(createWebhookHandler({ secret: SECRET, queue: queues, log }), log);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    url: `${base}${WEBHOOK_PATH}`,
    logs,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await queues.close();
    },
  };
}

/** The answer to a raw POST, through node:http so a refused upload still yields the answer sent. */
export interface RawAnswer {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

/** POSTs `body` as is, with the given headers. */
export function postRaw(url: string, body: Buffer | string, headers: Record<string, string | number>): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ms: Date.now() - started }));
      res.on('error', reject);
    });
    // Writing the rest of a refused upload fails once the server drops the connection; by then the answer came.
    req.on('error', reject);
    req.end(body);
  });
}
