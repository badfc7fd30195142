import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';

/** Client TLS material for probing the control plane's secure ports. */
export interface ProbeTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Components with self-signed serving certs (controller-manager, scheduler): skip verification, probe only. */
  readonly insecure?: boolean;
}

/** Resolves the HTTP status of a GET (0 when nothing answered within the timeout). */
export function httpStatus(url: string, tls?: ProbeTls, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const options = {
      method: 'GET',
      timeout: timeoutMs,
      ...(u.protocol === 'https:'
        ? {
            ca: tls?.ca ? readFileSync(tls.ca) : undefined,
            cert: tls?.cert ? readFileSync(tls.cert) : undefined,
            key: tls?.key ? readFileSync(tls.key) : undefined,
            rejectUnauthorized: !tls?.insecure,
          }
        : {}),
    };
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, options, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

export const httpOk = async (url: string, tls?: ProbeTls) => (await httpStatus(url, tls)) === 200;

/** Sends one inline Redis command and resolves the first reply line (e.g. `+PONG`). */
export function redisCommand(port: number, command: string, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    let data = '';
    socket.setTimeout(1_000);
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('\r\n')) {
        socket.destroy();
        resolve(data.split('\r\n')[0] ?? '');
      }
    });
    socket.once('timeout', () => { socket.destroy(); reject(new Error('redis: no answer')); });
    socket.once('error', reject);
  });
}
