import { aggregateHealth } from '../../../../core/health/aggregate-health.js';
import type { HealthStatus } from '../../../../core/health/health-status.js';
import { rolloutVerdict } from '../../../../core/health/rollout-verdict.js';
import { ref } from '../kube-objects.js';

const ok: HealthStatus = { status: 'Healthy', reason: 'Ready', message: 'ready' };
const waiting: HealthStatus = { status: 'Progressing', reason: 'ReplicasUpdating', message: '1 of 3 replicas updated to the new template' };
const lost: HealthStatus = { status: 'Unknown', reason: 'NotFound', message: 'the object does not exist' };
const broken: HealthStatus = { status: 'Degraded', reason: 'CrashLoopBackOff', message: 'container "api" is in CrashLoopBackOff' };
const at = (name: string, health: HealthStatus) => ({ ref: ref('apps/v1', 'Deployment', name), health });

describe('aggregateHealth', () => {
  it('is Healthy when every object is, and when there is nothing to wait for', () => {
    expect(aggregateHealth([at('a', ok), at('b', ok)])).toMatchObject({ status: 'Healthy', message: 'all 2 objects healthy', unhealthy: [] });
    expect(aggregateHealth([])).toMatchObject({ status: 'Healthy', message: 'nothing to wait for' });
  });

  it('is as bad as the worst object, with its reason, naming it first', () => {
    const result = aggregateHealth([at('a', waiting), at('b', broken), at('c', lost), at('d', ok), at('e', waiting)]);
    expect(result).toMatchObject({ status: 'Degraded', reason: 'CrashLoopBackOff', message: 'Deployment/shop/b: container "api" is in CrashLoopBackOff' });
    expect(result.counts).toEqual({ Healthy: 1, Progressing: 2, Unknown: 1, Degraded: 1 });
    expect(result.unhealthy.map((r) => r.ref.name)).toEqual(['b', 'c', 'a', 'e']);
  });

  it('says how many more objects share the worst state', () => {
    expect(aggregateHealth([at('a', waiting), at('b', waiting), at('c', waiting)]).message).toBe('Deployment/shop/a: 1 of 3 replicas updated to the new template (and 2 more progressing)');
  });

  it('ranks Unknown between Progressing and Degraded', () => {
    expect(aggregateHealth([at('a', waiting), at('b', lost)]).status).toBe('Unknown');
  });
});

describe('rolloutVerdict', () => {
  it('is done when healthy, waits while progressing, fails fast when degraded', () => {
    expect(rolloutVerdict(aggregateHealth([at('a', ok)]), 1_000, 60_000)).toEqual({ kind: 'healthy' });
    expect(rolloutVerdict(aggregateHealth([at('a', waiting)]), 1_000, 60_000)).toEqual({ kind: 'wait' });
    expect(rolloutVerdict(aggregateHealth([at('a', broken)]), 1_000, 60_000)).toEqual({ kind: 'failed', reason: 'CrashLoopBackOff', message: 'Deployment/shop/a: container "api" is in CrashLoopBackOff' });
  });

  it('fails with HealthCheckTimeout once the timeout passes, saying what it still waited for', () => {
    expect(rolloutVerdict(aggregateHealth([at('a', waiting)]), 600_000, 600_000)).toEqual({
      kind: 'failed',
      reason: 'HealthCheckTimeout',
      message: 'not healthy after 10m: Deployment/shop/a: 1 of 3 replicas updated to the new template',
    });
  });
});
