// A release builder for core's tests: a row names only the fields it cares about.
import type { Release } from '../../../core/release/release.js';

export function release(revision: number, outcome: Release['outcome'], fields: Partial<Release> = {}): Release {
  return {
    environment: 'staging',
    revision,
    deployId: `delivery-${revision}/staging`,
    commit: `${revision}`.repeat(40).slice(0, 40),
    manifestDigest: `sha256:${revision}`,
    inventory: [],
    outcome,
    startedAt: '2026-03-01T10:00:00.000Z',
    finishedAt: '2026-03-01T10:01:00.000Z',
    timings: {},
    ...fields,
  };
}
