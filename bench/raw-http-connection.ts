// One keep-alive HTTP/1.1 connection for the webhook load generator: writes a prepared request, reads the status and
// a Content-Length body, nothing more. node:http's client parses every header into objects and runs an agent per
// request, which on a 2-core machine takes CPU from the very server being measured; this costs a fraction of that.
import { connect, type Socket } from 'node:net';

/** What came back for one request. */
export interface RawResponse {
  readonly status: number;
  readonly body: string;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * A single connection that carries one request at a time (no pipelining, as GitHub's sender does). It reconnects
 * when the server closes it; a request in flight when that happens rejects.
 */
export class RawHttpConnection {
  private socket: Socket | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private pending: { resolve: (r: RawResponse) => void; reject: (e: Error) => void } | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Sends `head` (request line and headers, ending in a blank line) and `body`; resolves with the full response. */
  async request(head: string, body: Buffer): Promise<RawResponse> {
    const socket = await this.open();
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      socket.cork();
      socket.write(head);
      socket.write(body);
      socket.uncork();
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private async open(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      this.buffered = Buffer.alloc(0);
      this.fail(new Error('the server closed the connection'));
    });
    this.socket = socket;
    return socket;
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const end = this.buffered.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buffered.toString('latin1', 0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    const total = end + HEADER_END.length + length;
    if (this.buffered.length < total) return;
    const body = this.buffered.toString('utf8', end + HEADER_END.length, total);
    this.buffered = this.buffered.subarray(total);
    const status = Number(head.slice(9, 12));
    const pending = this.pending;
    this.pending = undefined;
    if (/\r\nconnection: *close/i.test(head)) this.close();
    pending?.resolve({ status, body });
  }

  private fail(error: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }
}
