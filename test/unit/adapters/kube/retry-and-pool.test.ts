import { mapLimit } from '../../../../adapters/kube/pool.js';
import { backoffDelay, withBackoff, type BackoffPolicy } from '../../../../adapters/common/with-backoff.js';
import { clusterRetryRules } from '../../../../adapters/kube/errors.js';
import { ClusterError } from '../../../../core/ports/cluster-error.js';

const quick = { attempts: 4, initialDelayMs: 1, maxDelayMs: 5 };
/** The kube adapter's use of the shared backoff: ClusterError's own classification and Retry-After. */
const withRetry = <T>(attempt: () => Promise<T>, policy: BackoffPolicy, signal?: AbortSignal) =>
  withBackoff(attempt, policy, clusterRetryRules(signal));
const delayFor = (err: ClusterError, attempt: number, policy: BackoffPolicy) =>
  backoffDelay(attempt, policy, clusterRetryRules().retryAfterMs?.(err));
const unreachable = () => new ClusterError({ code: 'ClusterUnreachable', operation: 'get', subject: 'test', detail: 'ECONNREFUSED' });
const invalid = () => new ClusterError({ code: 'Invalid', operation: 'apply', subject: 'test', detail: 'bad' });

describe('withBackoff with the API server’s retry rules', () => {
  it('retries a retryable error until the call succeeds', async () => {
    let calls = 0;
    const result = await withRetry(async () => {
      calls++;
      if (calls < 3) throw unreachable();
      return 'ok';
    }, quick);

    expect([result, calls]).toEqual(['ok', 3]);
  });

  it('gives up after the policy’s attempts and throws the last error', async () => {
    let calls = 0;
    const error = await withRetry(async () => {
      calls++;
      throw unreachable();
    }, quick).catch((err: unknown) => err);

    expect(calls).toBe(4);
    expect((error as ClusterError).code).toBe('ClusterUnreachable');
  });

  it('never retries a terminal error', async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw invalid();
      }, quick),
    ).rejects.toBeInstanceOf(ClusterError);
    expect(calls).toBe(1);
  });

  it('stops waiting when the signal aborts, with the signal’s reason', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const pending = withRetry(
      async () => {
        throw unreachable();
      },
      { attempts: 5, initialDelayMs: 60_000, maxDelayMs: 60_000 },
      controller.signal,
    );
    setTimeout(() => controller.abort(reason), 10);

    await expect(pending).rejects.toBe(reason);
  });

  it('waits what a 429 asked for, within the cap, else backs off exponentially', () => {
    const throttled = (ms: number) => new ClusterError({ code: 'Throttled', operation: 'apply', subject: 't', detail: '429', retryAfterMs: ms });
    const policy = { attempts: 4, initialDelayMs: 100, maxDelayMs: 1_000 };

    expect(delayFor(throttled(300), 1, policy)).toBe(300);
    expect(delayFor(throttled(10_000), 1, policy)).toBe(1_000);
    const third = delayFor(unreachable(), 3, policy);
    expect(third).toBeGreaterThanOrEqual(200);
    expect(third).toBeLessThanOrEqual(400);
  });
});

describe('mapLimit', () => {
  it('keeps at most `limit` calls in flight and returns results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const items = Array.from({ length: 20 }, (_, i) => i);

    const results = await mapLimit(items, 4, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, (n * 7) % 5));
      inFlight--;
      return n * 2;
    });

    expect(results).toEqual(items.map((n) => n * 2));
    expect(peak).toBe(4);
  });

  it('rejects on the first rejection and starts no further item', async () => {
    const started: number[] = [];

    const outcome = mapLimit([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('aborted');
      await new Promise((r) => setTimeout(r, 5));
      return n;
    });

    await expect(outcome).rejects.toThrow('aborted');
    expect(started).toEqual([0, 1]);
  });
});
