/** One REST request the emulator answered, as tests read it back from `GET /_emulator/calls`. */
export interface RecordedCall {
  /** Increasing from 1, so tests can tell calls apart across reads. */
  readonly id: number;
  readonly method: string;
  /** The path as requested, `/api/v3` prefix removed, without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** The description's operationId, or null when no operation matched (a 404). */
  readonly operationId: string | null;
  readonly status: number;
  readonly requestBody: unknown;
  readonly responseBody: unknown;
  /** ISO 8601, with milliseconds: calls within one second still sort. */
  readonly timestamp: string;
}

/** Filters for {@link CallLog.list}. */
export interface CallFilter {
  readonly operationId?: string;
}

/** Fields whose values are credentials: never kept, even in memory, in what tests can read back. */
const SECRET_FIELDS = new Set(['token', 'secret', 'private_key', 'client_secret']);

/** Every REST call the emulator answered, in order. */
export class CallLog {
  private readonly calls: RecordedCall[] = [];
  private nextId = 1;

  /** Records a call, masking credential fields (an installation token in a response, for one). */
  record(
    call: Omit<RecordedCall, 'id' | 'timestamp' | 'requestBody' | 'responseBody'> & {
      requestBody: unknown;
      responseBody: unknown;
    },
  ): RecordedCall {
    const recorded: RecordedCall = {
      ...call,
      id: this.nextId++,
      requestBody: maskSecrets(call.requestBody),
      responseBody: maskSecrets(call.responseBody),
      timestamp: new Date().toISOString(),
    };
    this.calls.push(recorded);
    return recorded;
  }

  /** Calls in the order they were answered, optionally only one operation's. */
  list(filter: CallFilter = {}): RecordedCall[] {
    return this.calls.filter((call) => filter.operationId === undefined || call.operationId === filter.operationId);
  }

  clear(): void {
    this.calls.length = 0;
  }
}

/** A copy of `value` with credential fields replaced by `[masked]`. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      SECRET_FIELDS.has(key) && typeof inner === 'string' ? '[masked]' : maskSecrets(inner),
    ]),
  );
}
