// Fault injection, by name: github.com fails under load (5xx from its front end, primary and secondary rate limits)
// in ways no correct request to the emulator can provoke. A test queues such answers here; the emulator gives them
// instead of serving the next matching requests, and serves everything else as usual.
import type { InjectFaultInput } from './admin-schemas.js';
import type { OutgoingResponse } from './emulator-context.js';

/** Queued fault answers, taken in order by the requests they match. */
export class FaultQueue {
  private faults: { remaining: number; fault: InjectFaultInput; path?: RegExp }[] = [];
  private answered = 0;

  /** Answers the next `fault.count` requests matching `fault.method` / `fault.path` (all requests when unset). */
  inject(fault: InjectFaultInput): void {
    this.faults.push({
      remaining: fault.count,
      fault,
      ...(fault.path !== undefined && { path: new RegExp(fault.path) }),
    });
  }

  /** The injected answer for this request, if one is queued for it. */
  take(method: string, path: string): OutgoingResponse | undefined {
    const entry = this.faults.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.fault.method === undefined || candidate.fault.method === method) &&
        (candidate.path === undefined || candidate.path.test(path)),
    );
    if (entry === undefined) return undefined;
    entry.remaining--;
    this.answered++;
    const { status, message, headers } = entry.fault;
    return {
      status,
      headers,
      body: { message, documentation_url: 'https://docs.github.com/rest', status: String(status) },
    };
  }

  /** Answers still queued, and answers given so far. */
  summary(): { pending: number; injected: number } {
    return { pending: this.faults.reduce((sum, entry) => sum + entry.remaining, 0), injected: this.answered };
  }

  /** Drops queued answers and resets the count. */
  clear(): void {
    this.faults = [];
    this.answered = 0;
  }
}
