import type { Actor, EmulatorState } from '../emulator-state.js';
import type { EmulatorUrls } from '../objects/emulator-urls.js';
import type { Operation } from '../openapi-description.js';

/** What a handler gets: a request that already passed the operation's schemas, and the emulator's state. */
export interface HandlerContext {
  readonly operation: Operation;
  /** Path parameters, coerced to their declared types (`issue_number` is a number). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Declared query parameters, coerced, with the description's defaults filled in. */
  readonly query: Readonly<Record<string, unknown>>;
  /** The JSON body; its shape is guaranteed by the operation's request schema. */
  readonly body: unknown;
  readonly actor: Actor;
  readonly state: EmulatorState;
  readonly urls: EmulatorUrls;
}

/** What a handler answers. Failures are thrown as GitHubError instead. */
export interface HandlerResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One implemented operation. */
export type Handler = (context: HandlerContext) => HandlerResult;
