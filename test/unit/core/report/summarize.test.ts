import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ChangeSetEntry } from '../../../../core/diff/change-set.js';
import { checkRunState, commitStatus } from '../../../../core/report/commit-status.js';
import type { DeployReport } from '../../../../core/report/deploy-report.js';
import { CHECK_RUN_SUMMARY_LIMIT, summarize } from '../../../../core/report/summarize.js';
import { ref } from '../kube-objects.js';
import { goldenReports } from './reports.js';

const golden = new URL('./golden/', import.meta.url);

/** Compares with the golden file; `UPDATE_GOLDEN=1` rewrites it (then review the change with git diff). */
function expectGolden(name: string, actual: string): void {
  const file = new URL(`${name}.md`, golden);
  if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, actual);
  if (!existsSync(file)) throw new Error(`no golden file ${name}.md; run with UPDATE_GOLDEN=1 and review it`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('summarize, against golden files', () => {
  it.each(Object.keys(goldenReports))('renders the %s report as the golden file says', (name) => {
    const report = goldenReports[name] as DeployReport;
    const { title, summary } = summarize(report);
    const status = commitStatus(report);
    expectGolden(name, `<!-- title: ${title} -->\n<!-- status: ${status.context} ${status.state}: ${status.description} -->\n${summary}\n`);
  });

  it('never shows a Secret value, only markers', () => {
    const { summary } = summarize(goldenReports['succeeded-with-changes']!);
    expect(summary).toContain('(hidden sha256:');
    expect(summary).not.toMatch(/old-password|new-password/);
    expect(summary).not.toContain(Buffer.from('new-password').toString('base64'));
  });
});

describe('summarize, for very large environments', () => {
  const entries: ChangeSetEntry[] = Array.from({ length: 5_000 }, (_, i) => ({
    action: 'configured',
    ref: ref('v1', 'ConfigMap', `config-${String(i).padStart(5, '0')}`, 'shop-prod'),
    diff: [{ kind: 'changed', path: '/data/payload', before: 'x'.repeat(200), after: 'y'.repeat(200) }],
  }));
  const report: DeployReport = { environment: 'production', sha: 'c'.repeat(40), mode: 'apply', outcome: 'succeeded', changeSet: { entries } };
  const { summary } = summarize(report);

  it("stays within GitHub's 65,535-character limit", () => {
    expect(summary.length).toBeLessThanOrEqual(CHECK_RUN_SUMMARY_LIMIT);
    expect(summary.length).toBeGreaterThan(CHECK_RUN_SUMMARY_LIMIT / 2);
  });

  it('keeps the counts, and says how many rows and diffs were left out and how to see them', () => {
    expect(summary).toContain('| 0 | 5000 | 0 | 0 | 0 |');
    expect(summary).toMatch(/_… and \d+ more objects; run `gantry diff --env production` for all of them._/);
    expect(summary).toMatch(/_Field changes of \d+ more objects left out/);
    expect(summary.trimEnd().endsWith('</details>')).toBe(true);
  });
});

describe('commit status', () => {
  const base: DeployReport = { environment: 'staging', sha: 'b2c4e6f8a0b2c4e6f8a0b2c4e6f8a0b2c4e6f8a0', mode: 'apply', outcome: 'failed' };

  it.each([
    ['in-progress', 'pending'],
    ['planned', 'success'],
    ['succeeded', 'success'],
    ['failed', 'failure'],
    ['rolled-back', 'failure'],
    ['rollback-failed', 'error'],
    ['superseded', 'error'],
  ] as const)('maps %s to %s', (outcome, state) => {
    expect(commitStatus({ ...base, outcome }).state).toBe(state);
  });

  it('keeps the description within 140 characters, however long the failure', () => {
    const status = commitStatus({ ...base, failure: { reason: 'ValidationFailed', message: 'Deployment/shop/api dry-run failed: '.repeat(20) } });
    expect(Array.from(status.description).length).toBe(140);
    expect(status.description.endsWith('…')).toBe(true);
  });

  it('names the context by environment and mode', () => {
    expect(commitStatus(base).context).toBe('deploy/staging');
    expect(commitStatus({ ...base, mode: 'dry-run' }).context).toBe('diff/staging');
    expect(commitStatus({ ...base, target: { kind: 'preview', namespace: 'shop-staging-pr-4' } }).context).toBe('preview/staging');
  });

  it('gives a superseded commit a grey check run, a failed one a red one', () => {
    expect(checkRunState('superseded')).toEqual({ status: 'completed', conclusion: 'skipped' });
    expect(checkRunState('rolled-back')).toEqual({ status: 'completed', conclusion: 'failure' });
    expect(checkRunState('in-progress')).toEqual({ status: 'in_progress' });
  });
});

describe('summarize, for a canary release', () => {
  it('shows each canary, its traffic provider, how it ended and what its gate checked', () => {
    const { summary } = summarize({
      environment: 'staging',
      sha: 'a'.repeat(40),
      mode: 'apply',
      outcome: 'failed',
      failure: { reason: 'CanaryAborted', message: 'catalog (apps/catalog/app.yaml): canary failed at step 2 of 3' },
      canaries: [
        {
          app: 'catalog',
          provider: 'gateway-api',
          outcome: 'aborted at step 2 of 3; traffic back on stable',
          gate: 'readiness and restarts only (no analysis.prometheus in env.yaml)',
        },
      ],
    });
    expect(summary).toContain(
      '#### Canaries\n| app | traffic | outcome | gate |\n| --- | --- | --- | --- |\n| catalog | gateway-api | aborted at step 2 of 3; traffic back on stable | readiness and restarts only (no analysis.prometheus in env.yaml) |',
    );
  });

  it('shows a walking canary step by step: the weights each step held, its checks, the latest gate result', () => {
    const { summary } = summarize({
      environment: 'staging',
      sha: 'a'.repeat(40),
      mode: 'apply',
      outcome: 'in-progress',
      canarySteps: [
        {
          app: 'catalog',
          provider: 'gateway-api',
          phase: 'stepping',
          step: 1,
          steps: 3,
          weights: { stable: 70, canary: 30 },
          stepStartedAt: '2026-12-04T10:00:20.000Z',
          restartsAtStart: 0,
          failedChecks: 1,
          inconclusiveChecks: 0,
          gates: [
            { step: 0, verdict: 'fail', findings: ['canary ready 1/2'], at: '2026-12-04T10:00:10.000Z', weights: { stable: 90, canary: 10 } },
            { step: 0, verdict: 'pass', findings: ['canary ready 2/2', 'success rate 99.8 % ≥ 99 %'], at: '2026-12-04T10:00:20.000Z', weights: { stable: 90, canary: 10 } },
          ],
        },
      ],
    });
    expect(summary).toContain(
      [
        '#### Canaries',
        '| app | traffic | step | stable/canary | checks | latest check |',
        '| --- | --- | --- | ---: | ---: | --- |',
        '| catalog | gateway-api | 1 of 3 | 90/10 | 2 | ✅ pass: canary ready 2/2; success rate 99.8 % ≥ 99 % |',
        '| catalog | gateway-api | 2 of 3 (now) | 70/30 | 0 | not checked yet |',
      ].join('\n'),
    );
  });

  it('shows the weights a settled canary\'s last step held, not the 100/0 it returned to', () => {
    const { summary } = summarize({
      environment: 'staging',
      sha: 'a'.repeat(40),
      mode: 'apply',
      outcome: 'in-progress',
      canarySteps: [
        {
          app: 'catalog',
          provider: 'appmesh',
          phase: 'aborted',
          step: 0,
          steps: 2,
          weights: { stable: 100, canary: 0 },
          stepStartedAt: '2026-12-04T10:00:00.000Z',
          restartsAtStart: 0,
          failedChecks: 0,
          inconclusiveChecks: 0,
          gates: [
            { step: 0, verdict: 'fatal', findings: ['canary pods restarted 1 time(s) since it came up'], at: '2026-12-04T10:00:10.000Z', weights: { stable: 80, canary: 20 } },
          ],
          failure: { step: 0, message: 'canary failed at step 1 of 2 (20 %)' },
        },
      ],
    });
    expect(summary).toContain(
      '| catalog | appmesh | 1 of 2 (aborted) | 80/20 | 1 | 🚨 fatal: canary pods restarted 1 time(s) since it came up |',
    );
  });
});
