import { CorrectionBackoff, DRIFT_CORRECTION_BACKOFF } from '../../../../core/drift/correction-backoff.js';

describe('CorrectionBackoff: a drifted object is corrected at once, then less and less often while it keeps drifting back', () => {
  it('waits 0, 2, 6, 18, 54, 162 s and then 300 s for an object changed back right after every correction', () => {
    const backoff = new CorrectionBackoff();
    let now = 0;
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const step = backoff.next('dev/Deployment/shop/api', now);
      delays.push(step.delayMs / 1000);
      now += step.delayMs + 1_000; // corrected after the wait; the other controller reverts it a second later
    }
    expect(delays).toEqual([0, 2, 6, 18, 54, 162, 300, 300, 300]);
  });

  it('reports the object as contested from the third correction in a row', () => {
    const backoff = new CorrectionBackoff();
    const steps = [0, 1_000, 4_000, 11_000].map((at) => backoff.next('k', at));
    expect(steps.map((step) => [step.attempt, step.contested])).toEqual([
      [1, false],
      [2, false],
      [3, true],
      [4, true],
    ]);
  });

  it('corrects at once again once the object stayed put for the settled time (and twice the last wait)', () => {
    const backoff = new CorrectionBackoff();
    backoff.next('k', 0);
    backoff.next('k', 1_000); // attempt 2, corrected at 3 s
    const settledAt = 3_000 + DRIFT_CORRECTION_BACKOFF.settledMs + 1;
    expect(backoff.next('k', settledAt)).toEqual({ attempt: 1, delayMs: 0, contested: false });

    // After a 300 s wait, 60 s of quiet is not enough: the object must stay put for 600 s.
    const long = new CorrectionBackoff({ ...DRIFT_CORRECTION_BACKOFF, firstMs: 300_000 });
    long.next('k', 0);
    expect(long.next('k', 1_000).delayMs).toBe(300_000);
    expect(long.next('k', 301_000 + 61_000).attempt).toBe(3);
  });

  it('backs off each object on its own', () => {
    const backoff = new CorrectionBackoff();
    backoff.next('a', 0);
    expect(backoff.next('a', 500).attempt).toBe(2);
    expect(backoff.next('b', 600)).toEqual({ attempt: 1, delayMs: 0, contested: false });
  });
});
