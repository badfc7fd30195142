import { jest } from '@jest/globals';
import { pino } from 'pino';
import { DriftStatuses } from '../../../worker/drift-status.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

describe('DriftStatuses: a failing drift/<env> status is cleared once the environment settles', () => {
  let cleared: { env: string; sha: string; at: number }[];
  let statuses: DriftStatuses;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    cleared = [];
    statuses = new DriftStatuses({
      settleMs: 60_000,
      log: pino({ level: 'silent' }),
      clear: async (env, sha) => {
        cleared.push({ env, sha, at: Date.now() });
      },
    });
  });
  afterEach(() => {
    statuses.close();
    jest.useRealTimers();
  });

  it('clears after a deploy of the same commit and a drift-free settle window', async () => {
    statuses.failed('dev', A);
    jest.advanceTimersByTime(5_000);
    statuses.deployed('dev', A);
    expect(statuses.settling()).toEqual(['dev']);
    await jest.advanceTimersByTimeAsync(59_999);
    expect(cleared).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(cleared).toEqual([{ env: 'dev', sha: A, at: 65_000 }]);
    expect(statuses.settling()).toEqual([]);
  });

  it('a drift inside the window stops the clearing; the next re-apply starts a new window', async () => {
    statuses.failed('dev', A);
    statuses.deployed('dev', A);
    await jest.advanceTimersByTimeAsync(30_000);
    statuses.drifted('dev');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(cleared).toEqual([]);
    statuses.deployed('dev', A);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(cleared).toEqual([{ env: 'dev', sha: A, at: 150_000 }]);
  });

  it('a failure written again (contested once more) while settling restarts from the next re-apply', async () => {
    statuses.failed('dev', A);
    statuses.deployed('dev', A);
    await jest.advanceTimersByTimeAsync(10_000);
    statuses.failed('dev', A);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(cleared).toEqual([]);
  });

  it('never clears without a failing status, and a newer commit’s deploy leaves the older commit’s status alone', async () => {
    statuses.deployed('dev', A);
    await jest.advanceTimersByTimeAsync(120_000);
    statuses.failed('dev', A);
    statuses.deployed('dev', B);
    await jest.advanceTimersByTimeAsync(120_000);
    statuses.deployed('dev', A);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(cleared).toEqual([]);
  });

  it('keeps environments apart', async () => {
    statuses.failed('dev', A);
    statuses.failed('prod', B);
    statuses.deployed('prod', B);
    statuses.drifted('dev');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(cleared).toEqual([{ env: 'prod', sha: B, at: 60_000 }]);
  });
});
