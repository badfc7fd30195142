import { MAX_ANNOTATIONS, validateReport, type ValidationProblem } from '../../../../core/report/validate-report.js';

const SHA = 'abcdef1234567890abcdef1234567890abcdef12';
const ok = { subject: 'environments/dev/env.yaml', status: 'ok', note: 'follows main' } as const;
const problem = (n: number): ValidationProblem => ({
  file: 'environments/dev/env.yaml',
  field: `rollout.timeout`,
  message: `problem ${n}`,
  line: n,
});

describe('validateReport: the words of the gantry/validate check run', () => {
  it('succeeds when everything checked is valid, listing each file', () => {
    const report = validateReport(SHA, { kind: 'checked', subjects: [ok], problems: [] });

    expect(report.conclusion).toBe('success');
    expect(report.title).toBe('abcdef1: 1 app and environment valid');
    expect(report.summary).toContain('`environments/dev/env.yaml`');
    expect(report.annotations).toEqual([]);
  });

  it('fails with one annotation per problem at its file and line, titled with the field', () => {
    const report = validateReport(SHA, {
      kind: 'checked',
      subjects: [{ ...ok, status: 'fail' }],
      problems: [problem(7), { ...problem(1), field: '' }],
    });

    expect(report.conclusion).toBe('failure');
    expect(report.title).toBe('abcdef1: 2 problems in 1 file');
    expect(report.annotations).toEqual([
      { path: 'environments/dev/env.yaml', startLine: 7, endLine: 7, level: 'failure', title: 'environments/dev/env.yaml: rollout.timeout', message: 'problem 7' },
      { path: 'environments/dev/env.yaml', startLine: 1, endLine: 1, level: 'failure', title: 'environments/dev/env.yaml', message: 'problem 1' },
    ]);
    expect(report.summary).toContain('environments/dev/env.yaml:7: rollout.timeout: problem 7');
  });

  it("keeps GitHub's 50 annotations and lists every problem in the summary", () => {
    const problems = Array.from({ length: 60 }, (_, i) => problem(i + 1));

    const report = validateReport(SHA, { kind: 'checked', subjects: [], problems });

    expect(report.annotations).toHaveLength(MAX_ANNOTATIONS);
    expect(report.summary).toContain('problem 60');
  });

  it('fails a commit with no app and no environment: a required check must not pass on nothing', () => {
    const report = validateReport(SHA, {
      kind: 'checked',
      subjects: [{ subject: 'environments/components/', status: 'skip', note: 'no env.yaml' }],
      problems: [],
    });

    expect(report.conclusion).toBe('failure');
    expect(report.title).toContain('no app');
  });

  it('fails, saying why, when the commit could not be checked at all', () => {
    const report = validateReport(SHA, { kind: 'unchecked', reason: 'GitFetchFailed', message: 'no such commit' });

    expect(report).toMatchObject({ conclusion: 'failure', title: 'abcdef1 could not be validated (GitFetchFailed)' });
    expect(report.summary).toContain('no such commit');
  });
});
