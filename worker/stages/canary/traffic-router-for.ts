// The one place a canary's traffic router is chosen: by the provider its rollout resolved to (env.yaml's
// `traffic.provider`, or the app's pin). The walk never knows which one runs.
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { AppMeshRouter } from '../../../adapters/traffic/appmesh/index.js';
import { GatewayApiRouter } from '../../../adapters/traffic/gateway-api-router.js';
import type { EnvConfig } from '../../../core/config/env-config.js';
import type { CanaryRoute as RouteTarget } from '../../../core/config/resolve-rollout.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import type { TrafficRouter } from '../../../core/ports/traffic-router.js';

/**
 * `cloudMap`: the Cloud Map client for App Mesh with `traffic.discovery.type: cloud-map`; by default one from the
 * worker's standard AWS configuration (AWS_REGION, credentials, AWS_ENDPOINT_URL), built only when needed.
 */
export function trafficRouterFor(
  target: RouteTarget,
  cluster: Cluster,
  env: EnvConfig,
  cloudMap: () => ServiceDiscoveryClient = defaultCloudMap,
): TrafficRouter {
  switch (target.provider) {
    case 'gateway-api':
      return new GatewayApiRouter(cluster, { gateway: target.gateway });
    case 'appmesh': {
      const discovery = env.traffic.discovery;
      return new AppMeshRouter({
        cluster,
        mesh: target.mesh,
        discovery:
          discovery.type === 'cloud-map'
            ? { type: 'cloud-map', namespace: discovery.namespace, client: cloudMap() }
            : { type: 'dns' },
      });
    }
  }
}

let shared: ServiceDiscoveryClient | undefined;
/** The worker's Cloud Map client from the standard AWS configuration, one per process. */
export function defaultCloudMap(): ServiceDiscoveryClient {
  shared ??= new ServiceDiscoveryClient({});
  return shared;
}
