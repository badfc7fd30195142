import { evaluateGate, type GateInput } from '../../../../core/canary/canary-gate.js';

const limits = { minSuccessRate: 99, maxLatencyP99: 300, maxFailedChecks: 2 };
const input = (fields: Partial<GateInput> = {}): GateInput => ({
  readiness: { desired: 2, ready: 2, restarts: 0 },
  restartsAtStart: 0,
  limits,
  ...fields,
});

describe('evaluateGate', () => {
  it('passes a ready canary on readiness alone when no metrics source is configured, and says so', () => {
    expect(evaluateGate(input())).toEqual({
      verdict: 'pass',
      findings: ['canary ready 2/2', 'no metrics source configured: readiness only'],
    });
  });

  it('fails a canary with fewer ready replicas than it asks for', () => {
    expect(evaluateGate(input({ readiness: { desired: 2, ready: 1, restarts: 0 } })).verdict).toBe('fail');
  });

  it('fails a canary scaled to zero: nothing ready is not a pass', () => {
    expect(evaluateGate(input({ readiness: { desired: 0, ready: 0, restarts: 0 } })).verdict).toBe('fail');
  });

  it('is fatal once the canary pods restart after they came up, counting only the new restarts', () => {
    expect(evaluateGate(input({ readiness: { desired: 2, ready: 2, restarts: 3 }, restartsAtStart: 3 })).verdict).toBe(
      'pass',
    );
    expect(evaluateGate(input({ readiness: { desired: 2, ready: 2, restarts: 4 }, restartsAtStart: 3 }))).toEqual({
      verdict: 'fatal',
      findings: ['canary pods restarted 1 time(s) since it came up'],
    });
  });

  it.each([
    ['within both limits', { requests: 100, successRate: 99.5, latencyP99Ms: 120 }, 'pass'],
    ['at the limits exactly', { requests: 100, successRate: 99, latencyP99Ms: 300 }, 'pass'],
    ['below minSuccessRate', { requests: 100, successRate: 98.9, latencyP99Ms: 120 }, 'fail'],
    ['above maxLatencyP99', { requests: 100, successRate: 100, latencyP99Ms: 301 }, 'fail'],
    ['with no requests in the window', { requests: 0 }, 'inconclusive'],
    ['with a success rate but no latency figure', { requests: 10, successRate: 100 }, 'inconclusive'],
    ['failing one limit and missing the other', { requests: 10, successRate: 50 }, 'fail'],
  ] as const)('judges a sample %s', (_name, sample, verdict) => {
    expect(evaluateGate(input({ sample })).verdict).toBe(verdict);
  });

  it('names each limit and its figure for the check run', () => {
    expect(evaluateGate(input({ sample: { requests: 100, successRate: 98.123, latencyP99Ms: 450 } })).findings).toEqual(
      ['canary ready 2/2', 'success rate 98.12 % < 99 %', 'latency p99 450 ms > 300 ms'],
    );
  });
});
