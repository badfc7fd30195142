import { aggregateHealth, type ObjectHealth } from '../../../core/health/aggregate-health.js';
import type { HealthStatus } from '../../../core/health/health-status.js';
import { Reason } from '../../../core/reasons.js';
import { waitLogger } from '../../../worker/stages/deploy/wait-for-health.js';

const deployment = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'frontend' };
const lb = { group: '', version: 'v1', kind: 'Service', namespace: 'shop', name: 'frontend-external' };
const healthy: HealthStatus = { status: 'Healthy', reason: Reason.Ready, message: 'ready' };
const pendingAddress: HealthStatus = {
  status: 'Progressing',
  reason: Reason.LoadBalancerPending,
  message: 'waiting for the load balancer to get an address',
};
const rolling = (n: number): HealthStatus => ({
  status: 'Progressing',
  reason: Reason.ReplicasUpdating,
  message: `${n} of 3 replicas updated`,
});
const check = (...objects: ObjectHealth[]) => aggregateHealth(objects);

describe('waitLogger: what a deploy logs at info while it waits for health', () => {
  function recorder() {
    const lines: { fields: Record<string, unknown>; message: string }[] = [];
    let clock = 0;
    const onWait = waitLogger(
      { info: (fields, message) => lines.push({ fields: fields as Record<string, unknown>, message }) },
      () => clock,
    );
    return { lines, onWait, advance: (ms: number) => (clock += ms) };
  }

  it('names each object waited on and why, at the first check', () => {
    const { lines, onWait } = recorder();

    onWait(check({ ref: deployment, health: healthy }, { ref: lb, health: pendingAddress }));

    expect(lines).toEqual([
      {
        message:
          'waiting for 1 of 2 objects to become healthy: Service/shop/frontend-external: waiting for the load balancer to get an address',
        fields: {
          waitingOn: [
            {
              object: 'Service/shop/frontend-external',
              status: 'Progressing',
              reason: 'LoadBalancerPending',
              message: 'waiting for the load balancer to get an address',
            },
          ],
          healthy: 1,
          total: 2,
        },
      },
    ]);
  });

  it('stays quiet while nothing changes, and says it again every 15 s', () => {
    const { lines, onWait, advance } = recorder();
    const stuck = check({ ref: lb, health: pendingAddress });

    onWait(stuck);
    advance(5_000);
    onWait(stuck);
    advance(9_999);
    onWait(stuck);
    expect(lines).toHaveLength(1);
    advance(1);
    onWait(stuck);

    expect(lines).toHaveLength(2);
  });

  it('logs at once when the objects waited on or their reasons change, not when only a count moves', () => {
    const { lines, onWait, advance } = recorder();

    onWait(check({ ref: deployment, health: rolling(1) }, { ref: lb, health: pendingAddress }));
    advance(1_000);
    onWait(check({ ref: deployment, health: rolling(2) }, { ref: lb, health: pendingAddress }));
    advance(1_000);
    onWait(check({ ref: deployment, health: healthy }, { ref: lb, health: pendingAddress }));

    expect(lines.map((line) => line.fields['healthy'])).toEqual([0, 1]);
  });
});
