import { reportJobId } from '../../../adapters/queue/report-job.js';
import type { DeployRequest } from '../../../core/deploy/deploy-request.js';
import type { CanaryProgress } from '../../../core/release/release.js';
import { canaryProgressReport } from '../../../worker/report-jobs.js';

const request: DeployRequest = {
  deliveryId: 'd-1',
  repo: { owner: 'acme', name: 'shop', cloneUrl: 'https://github.example/acme/shop.git' },
  ref: 'refs/heads/main',
  sha: 'a'.repeat(40),
  before: '0'.repeat(40),
  trigger: { kind: 'push' },
  environment: 'staging',
  mode: 'apply',
  target: { kind: 'environment' },
  requestedAt: '2026-12-04T10:00:00.000Z',
};

const at = (step: number, canary: number): CanaryProgress => ({
  app: 'catalog',
  provider: 'gateway-api',
  phase: 'stepping',
  step,
  steps: 2,
  weights: { stable: 100 - canary, canary },
  stepStartedAt: '2026-12-04T10:00:00.000Z',
  restartsAtStart: 0,
  failedChecks: 0,
  inconclusiveChecks: 0,
  gates: [],
});

describe('canaryProgressReport', () => {
  it('is a running report whose job id differs per progress shown and repeats for the same progress', () => {
    const first = canaryProgressReport(request, 7, [at(0, 20)]);
    const again = canaryProgressReport(request, 7, [at(0, 20)]);
    const second = canaryProgressReport(request, 7, [at(1, 50)]);

    expect(first).toMatchObject({ state: 'running', description: 'deploying aaaaaaa in staging' });
    expect(first.summary).toContain('| catalog | gateway-api | 1 of 2 (now) | 80/20 | 0 | not checked yet |');
    expect(reportJobId(again, 'apply')).toBe(reportJobId(first, 'apply'));
    expect(reportJobId(second, 'apply')).not.toBe(reportJobId(first, 'apply'));
    // The plain running report of the same run keeps its own id.
    expect(reportJobId(first, 'apply')).toMatch(/^staging\.apply\.7\.running\.[0-9a-f]{16}$/);
  });
});
