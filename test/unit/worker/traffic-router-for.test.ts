import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { AppMeshRouter } from '../../../adapters/traffic/appmesh/index.js';
import { GatewayApiRouter } from '../../../adapters/traffic/gateway-api-router.js';
import { parseEnvConfig } from '../../../core/config/env-config.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import { trafficRouterFor } from '../../../worker/stages/canary/traffic-router-for.js';

// Never called: choosing a router sends nothing to the cluster.
const cluster = {} as Cluster;
const env = (traffic: Record<string, unknown>) =>
  parseEnvConfig('', 'environments/staging/env.yaml', () => ({
    name: 'staging',
    branch: 'main',
    cluster: { name: 'local' },
    namespace: 'shop-staging',
    traffic,
  }));

describe('trafficRouterFor', () => {
  it('routes gateway-api canaries through HTTPRoutes under the environment Gateway', () => {
    const router = trafficRouterFor(
      { provider: 'gateway-api', gateway: { name: 'shop-gateway', namespace: 'gateway-system' } },
      cluster,
      env({ gateway: { name: 'shop-gateway', namespace: 'gateway-system' } }),
    );
    expect(router).toBeInstanceOf(GatewayApiRouter);
    expect(router.provider).toBe('gateway-api');
  });

  it('routes appmesh canaries through the mesh, with DNS discovery by default and no Cloud Map client built', () => {
    let built = 0;
    const router = trafficRouterFor({ provider: 'appmesh', mesh: 'shop' }, cluster, env({ mesh: 'shop' }), () => {
      built += 1;
      return new ServiceDiscoveryClient({});
    });
    expect(router).toBeInstanceOf(AppMeshRouter);
    expect(router.provider).toBe('appmesh');
    expect(built).toBe(0);
  });

  it('builds the Cloud Map client for cloud-map discovery', () => {
    let built = 0;
    const router = trafficRouterFor(
      { provider: 'appmesh', mesh: 'shop' },
      cluster,
      env({ mesh: 'shop', discovery: { type: 'cloud-map', namespace: 'shop-staging.local' } }),
      () => {
        built += 1;
        return new ServiceDiscoveryClient({ region: 'us-east-1' });
      },
    );
    expect(router).toBeInstanceOf(AppMeshRouter);
    expect(built).toBe(1);
  });
});
