import { Reason } from '../../../../core/reasons.js';
import { STATUS_DESCRIPTION_LIMIT } from '../../../../core/report/commit-status.js';
import { PLAN_CONTEXT, planFailureReport } from '../../../../core/report/plan-failure.js';

const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const invalidEnv = [
  'environments/dev/env.yaml is invalid (2 problems):',
  '  environments/dev/env.yaml: rollout.timeout: must be a duration such as 90s or 5m',
  '  environments/dev/env.yaml: branch: is required: the git branch this environment follows, for example main',
].join('\n');

describe('planFailureReport: what GitHub shows when a commit cannot be planned', () => {
  it('reports on the deploy/plan context, whatever the environments', () => {
    expect(planFailureReport({ sha, reason: Reason.InvalidConfig, message: invalidEnv }).context).toBe(PLAN_CONTEXT);
    expect(PLAN_CONTEXT).toBe('deploy/plan');
  });

  it('puts the first file and field to fix into the status line, within 140 characters', () => {
    const { description } = planFailureReport({ sha, reason: Reason.InvalidConfig, message: invalidEnv });

    expect(
      description.startsWith('Not deployed (InvalidConfig): environments/dev/env.yaml: rollout.timeout: must be'),
    ).toBe(true);
    expect(description.length).toBeLessThanOrEqual(STATUS_DESCRIPTION_LIMIT);
  });

  it('lists every problem in the check run summary and says nothing was deployed', () => {
    const { title, summary } = planFailureReport({ sha, reason: Reason.InvalidConfig, message: invalidEnv });

    expect(title).toBe('a1b2c3d was not deployed: its configuration is invalid');
    expect(summary).toContain('deployed nothing');
    expect(summary).toContain('environments/dev/env.yaml: rollout.timeout: must be a duration');
    expect(summary).toContain('environments/dev/env.yaml: branch: is required');
    expect(summary).toContain('**InvalidConfig**');
  });

  it("names the base commit whose configuration a pull request's plan read", () => {
    const base = 'f'.repeat(40);
    const { summary } = planFailureReport({ sha, configSha: base, reason: Reason.InvalidConfig, message: invalidEnv });

    expect(summary).toContain('at the base commit fffffff');
  });

  it('uses the message as it is when it is not a config error', () => {
    const message = 'commit a1b2c3d does not exist in https://github.example/acme/shop.git (fetched, still missing)';
    const report = planFailureReport({ sha, reason: Reason.NotFound, message });

    expect(report.title).toBe('a1b2c3d was not deployed: planning failed');
    expect(report.description).toBe(`Not deployed (NotFound): ${message}`);
  });
});
