import type { TokenPolicy } from './authenticate.js';
import type { CallLog } from './call-log.js';
import type { EmulatorState } from './emulator-state.js';
import type { FaultQueue } from './fault-queue.js';
import type { OpenApiDescription } from './openapi-description.js';
import type { RequestValidator } from './request-validator.js';
import type { RouteTable } from './route-table.js';

/** Everything one running emulator holds, handed to the REST and admin layers. */
export interface EmulatorContext {
  readonly description: OpenApiDescription;
  readonly routes: RouteTable;
  readonly validator: RequestValidator;
  readonly state: EmulatorState;
  readonly calls: CallLog;
  /** Failures to answer instead of serving (fault injection). */
  readonly faults: FaultQueue;
  readonly tokenPolicy: TokenPolicy;
}

/** A request as the HTTP layer hands it on: prefix stripped, body read but not parsed. */
export interface IncomingCall {
  readonly method: string;
  /** Path without `/api/v3` and without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly authorization: string | undefined;
  readonly rawBody: string;
  /** The base URL the client used: the emulator's address, plus `/api/v3` if it came that way. */
  readonly apiBaseUrl: string;
  /** The emulator's address, for `html_url`s. */
  readonly htmlBaseUrl: string;
}

/** What the HTTP layer writes back. */
export interface OutgoingResponse {
  readonly status: number;
  /** Serialised as JSON unless undefined (then no body, as for a 204). */
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}
