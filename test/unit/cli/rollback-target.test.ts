import type { CommandIo } from '../../../cli/command-io.js';
import { runRollback } from '../../../cli/rollback.js';
import { pickTarget } from '../../../cli/rollback-target.js';
import type { Release } from '../../../core/release/release.js';

const sha = (c: string) => c.repeat(40).slice(0, 40);
const release = (
  revision: number,
  commit: string,
  outcome: Release['outcome'],
  fields: Partial<Release> = {},
): Release => ({
  environment: 'dev',
  revision,
  deployId: `d-${revision}/dev`,
  commit,
  manifestDigest: `sha256:${revision}`,
  inventory: [],
  outcome,
  startedAt: '2026-12-01T10:00:00.000Z',
  ...fields,
});

/** Newest first, as the store lists them. */
const history = [
  release(9, sha('c'), 'succeeded'),
  release(8, sha('b'), 'rolled-back', { reason: 'ProgressDeadlineExceeded' }),
  release(7, sha('a'), 'succeeded'),
  release(6, sha('ab'), 'succeeded'),
];

describe('gantry rollback: which release --to picks, and why none', () => {
  it('picks the newest succeeded release older than the current one without --to', () => {
    expect(pickTarget(history, undefined, 5)).toMatchObject({ revision: 7 });
  });

  it('picks the newest succeeded release of the commit --to names, by prefix, in any case', () => {
    expect(pickTarget(history, 'CCCC', 5)).toMatchObject({ revision: 9 });
    expect(pickTarget(history, sha('a'), 5)).toMatchObject({ revision: 7 });
  });

  it('refuses a prefix that names several recorded commits, listing them', () => {
    expect(pickTarget([...history, release(5, `${'a'.repeat(4)}${'b'.repeat(36)}`, 'succeeded')], 'aaaa', 5)).toMatch(
      /^--to aaaa is ambiguous: succeeded releases of aaaaaaaaaaaa \(revision 7\), aaaabbbbbbbb \(revision 5\) match it; give more digits$/,
    );
  });

  it('says a commit only has releases that did not succeed, and how they ended', () => {
    expect(pickTarget(history, 'bbbbbbb', 5)).toBe(
      'no succeeded release of commit bbbbbbb: revision 8 rolled-back (ProgressDeadlineExceeded)',
    );
  });

  it('says a release of the commit may have been trimmed, with the limit and what to do instead', () => {
    expect(pickTarget(history, '8f26d1e', 5)).toBe(
      'no kept release of commit 8f26d1e: releases 1–5 were trimmed from the history (history.limit is 5), so it may ' +
        'have been one of them; to run it again, deploy it: gantry apply --env dev --ref 8f26d1e',
    );
  });

  it('says a commit was never deployed when nothing was trimmed', () => {
    const untrimmed = [release(2, sha('c'), 'succeeded'), release(1, sha('a'), 'succeeded')];
    expect(pickTarget(untrimmed, '8f26d1e', 5)).toBe(
      'no release of commit 8f26d1e in the history (revisions 1–2, none trimmed): it was never deployed to dev',
    );
  });

  it('refuses --to that is not a hex commit prefix before reaching any cluster', async () => {
    let stderr = '';
    const io: CommandIo = { stdout: () => undefined, stderr: (text) => (stderr += text), cwd: '/nonexistent' };

    expect(await runRollback(['--env', 'dev', '--to', 'zzz'], io)).toBe(1);
    expect(stderr).toBe('gantry rollback: --to zzz is not a commit: give its SHA or a prefix of 4 to 40 hex digits\n');
  });
});
