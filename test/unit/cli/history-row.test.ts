import { HISTORY_COLUMNS, historyRow } from '../../../cli/history.js';
import type { Release } from '../../../core/release/release.js';

const release = (fields: Partial<Release>): Release => ({
  environment: 'dev',
  revision: 7,
  deployId: 'd-7/dev',
  commit: 'a'.repeat(40),
  manifestDigest: 'sha256:7',
  inventory: [],
  outcome: 'succeeded',
  startedAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:01:00.000Z',
  ...fields,
});

describe('gantry history rows', () => {
  it('says a rollback release "rolled back to revision N", as the check run and the logs say it', () => {
    const row = historyRow(release({ rollbackOf: 5 }));

    expect(row[HISTORY_COLUMNS.indexOf('reason')]).toBe('rolled back to revision 5');
  });

  it('gives the reason of a failed release, its verified time, and a dash for what is absent', () => {
    const failed = historyRow(release({ outcome: 'rolled-back', reason: 'ProgressDeadlineExceeded' }));
    const verified = historyRow(release({ verifiedAt: '2026-12-02T08:00:00.000Z' }));

    expect(failed).toEqual([
      '7',
      'aaaaaaaaaaaa',
      'rolled-back',
      '2026-12-01T10:00:00.000Z',
      '2026-12-01T10:01:00.000Z',
      '-',
      'ProgressDeadlineExceeded',
    ]);
    expect(verified[HISTORY_COLUMNS.indexOf('verified')]).toBe('2026-12-02T08:00:00.000Z');
    expect(verified[HISTORY_COLUMNS.indexOf('reason')]).toBe('-');
  });
});
