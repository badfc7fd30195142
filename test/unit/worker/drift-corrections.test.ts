import { jest } from '@jest/globals';
import { pino } from 'pino';
import type { EnvConfig } from '../../../core/config/env-config.js';
import type { CorrectionStep } from '../../../core/drift/correction-backoff.js';
import type { ObjectRef } from '../../../core/kube/object.js';
import { DriftCorrections, describeContested } from '../../../worker/drift-corrections.js';
import type { Drift } from '../../../worker/drift-watch.js';

const env = { name: 'dev', drift: { mode: 'correct', resync: 600_000 } } as unknown as EnvConfig;
const api: ObjectRef = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'api' };
const flags: ObjectRef = { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'flags' };

function drift(ref: ObjectRef, fields = ['spec.replicas'], manager = 'other-controller'): Drift {
  return {
    env,
    ref,
    fields,
    manager,
    deployed: { request: { sha: 'a'.repeat(40) } as Drift['deployed']['request'] },
    count: 1,
    seenAt: Date.now(),
  };
}

describe('DriftCorrections: when a drifted environment is re-deployed', () => {
  let corrected: { at: number; drift: Drift }[];
  let contested: { drift: Drift; step: CorrectionStep }[];
  let corrections: DriftCorrections;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    corrected = [];
    contested = [];
  });
  afterEach(() => {
    corrections.close();
    jest.useRealTimers();
  });

  function start(onCorrect: (drift: Drift) => void = () => undefined): void {
    corrections = new DriftCorrections({
      burstMs: 500,
      log: pino({ level: 'silent' }),
      correct: (d) => {
        corrected.push({ at: Date.now(), drift: d });
        onCorrect(d);
      },
      contested: async (d, step) => {
        contested.push({ drift: d, step });
      },
    });
  }

  it('corrects a burst of drifts (several objects, the same object twice) with one deploy, after the burst', () => {
    start();
    corrections.add(drift(api));
    jest.advanceTimersByTime(200);
    corrections.add(drift(flags, ['data.mode']));
    corrections.add(drift(api));

    jest.advanceTimersByTime(10_000);

    expect(corrected.map(({ at, drift: d }) => [at, d.ref.name])).toEqual([[700, 'api']]);
    expect(contested).toEqual([]);
  });

  it('does not hot-loop against a controller that reverts the field after every correction: it backs off and reports it contested', () => {
    // The other controller changes the field back 100 ms after each correction.
    start(() => setTimeout(() => corrections.add(drift(api)), 100));
    corrections.add(drift(api));

    jest.advanceTimersByTime(15 * 60_000);

    const gaps = corrected.map(({ at }, i) => at - (i === 0 ? 0 : (corrected[i - 1]?.at ?? 0)));
    // 0.5 s (the burst), then the backoff: 2 s, 6 s, 18 s, 54 s, 162 s, 300 s, 300 s, … (each plus the 100 ms revert)
    expect(gaps.slice(0, 7)).toEqual([500, 2_100, 6_100, 18_100, 54_100, 162_100, 300_100]);
    expect(corrected.length).toBeLessThanOrEqual(9);
    expect(contested.map(({ step }) => step.attempt)).toEqual(
      corrected
        .slice(2)
        .map((_, i) => i + 3)
        .concat([corrected.length + 1]),
    );
    expect(describeContested(contested[0]!.drift, contested[0]!.step)).toBe(
      'contested, correction 3 in 6 s: Deployment/shop/api: spec.replicas changed by other-controller',
    );
  });

  it('a drift of another object while one is backed off waits for the same (later) correction', () => {
    start();
    corrections.add(drift(api));
    jest.advanceTimersByTime(1_000);
    corrections.add(drift(api)); // attempt 2: 2 s
    jest.advanceTimersByTime(100);
    corrections.add(drift(flags, ['data.mode'])); // attempt 1 of flags: joins the pending correction

    jest.advanceTimersByTime(10_000);

    expect(corrected.map(({ at }) => at)).toEqual([500, 3_000]);
  });
});
