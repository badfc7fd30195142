import { backoffDelay, withBackoff } from '../../../../adapters/common/with-backoff.js';

const quick = { attempts: 3, initialDelayMs: 1, maxDelayMs: 5 };
class Flaky extends Error {}

describe('withBackoff', () => {
  it('tells onRetry each wait, with the attempt that failed, and passes attempt numbers in', async () => {
    const seen: [number, number][] = [];
    const numbers: number[] = [];
    const result = await withBackoff(
      async (n) => {
        numbers.push(n);
        if (n < 3) throw new Flaky();
        return n;
      },
      quick,
      { retryable: (error) => error instanceof Flaky, onRetry: (_error, delayMs, attempt) => seen.push([attempt, delayMs]) },
    );

    expect(result).toBe(3);
    expect(numbers).toEqual([1, 2, 3]);
    expect(seen.map(([attempt]) => attempt)).toEqual([1, 2]);
    for (const [, delayMs] of seen) expect(delayMs).toBeLessThanOrEqual(quick.maxDelayMs);
  });

  it('throws what the rules do not call retryable at once', async () => {
    let calls = 0;
    const error = new Error('bad request');
    await expect(
      withBackoff(
        async () => {
          calls++;
          throw error;
        },
        quick,
        { retryable: (e) => e instanceof Flaky },
      ),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it('rejects with the abort reason when the signal fires during an attempt, without another attempt', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    let calls = 0;
    const pending = withBackoff(
      async () => {
        calls++;
        controller.abort(reason);
        throw new Flaky();
      },
      quick,
      { retryable: () => true, signal: controller.signal },
    );

    await expect(pending).rejects.toBe(reason);
    expect(calls).toBe(1);
  });

  it('waits the Retry-After the server named, capped, and never less than half the backoff step otherwise', () => {
    const policy = { attempts: 4, initialDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(1, policy, 0)).toBe(0);
    expect(backoffDelay(2, policy, 700)).toBe(700);
    expect(backoffDelay(1, policy, 60_000)).toBe(1_000);
    for (let i = 0; i < 20; i++) {
      const second = backoffDelay(2, policy);
      expect(second).toBeGreaterThanOrEqual(100);
      expect(second).toBeLessThanOrEqual(200);
    }
  });
});
