import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallLog } from './call-log.js';
import type { EmulatorContext } from './emulator-context.js';
import { FaultQueue } from './fault-queue.js';
import { createRequestListener, type LogLine } from './emulator-server.js';
import { EmulatorState } from './emulator-state.js';
import { OpenApiDescription } from './openapi-description.js';
import { RequestValidator } from './request-validator.js';
import { RouteTable } from './route-table.js';

/** How to start an emulator. */
export interface GitHubEmulatorOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Default `127.0.0.1`: the emulator is for this machine only. */
  readonly host?: string;
  /** When given, only these plain tokens (plus installation tokens the emulator issued) are accepted. */
  readonly tokens?: readonly string[];
  /** Receives one structured line per request and per failure. Default: silent. */
  readonly log?: (line: LogLine) => void;
}

/** A running emulator. */
export interface GitHubEmulator {
  /** e.g. `http://127.0.0.1:43121`; `${url}/api/v3` serves the same API. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts a GitHub REST emulator that checks every request against GitHub's published OpenAPI description.
 * Emulators in one process share the (read-only) description, so a second one starts in milliseconds.
 */
export async function startGitHubEmulator(options: GitHubEmulatorOptions = {}): Promise<GitHubEmulator> {
  const description = OpenApiDescription.shared();
  const context: EmulatorContext = {
    description,
    routes: new RouteTable(description.operations),
    validator: new RequestValidator(description),
    state: new EmulatorState(),
    calls: new CallLog(),
    faults: new FaultQueue(),
    tokenPolicy: options.tokens === undefined ? {} : { tokens: new Set(options.tokens) },
  };
  const host = options.host ?? '127.0.0.1';
  let url = '';
  const server = createServer(createRequestListener(context, () => url, options.log ?? (() => {})));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
