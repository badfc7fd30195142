import { GatewayApiRouter } from '../../../adapters/traffic/gateway-api-router.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import { trafficRouterFor } from '../../../worker/stages/canary/traffic-router-for.js';

// Never called: choosing a router sends nothing to the cluster.
const cluster = {} as Cluster;

describe('trafficRouterFor', () => {
  it('routes gateway-api canaries through HTTPRoutes under the environment Gateway', () => {
    const router = trafficRouterFor(
      { provider: 'gateway-api', gateway: { name: 'shop-gateway', namespace: 'gateway-system' } },
      cluster,
      'environments/staging/env.yaml',
    );
    expect(router).toBeInstanceOf(GatewayApiRouter);
    expect(router.provider).toBe('gateway-api');
  });

  it('refuses appmesh as not supported yet, naming the file and field', () => {
    expect(() =>
      trafficRouterFor({ provider: 'appmesh', mesh: 'shop' }, cluster, 'environments/staging/env.yaml'),
    ).toThrow('environments/staging/env.yaml: traffic.provider appmesh (mesh shop) is not supported yet');
  });
});
