// The one place a canary's traffic router is chosen: by the provider its rollout resolved to (env.yaml's
// `traffic.provider`, or the app's pin). The walk never knows which one runs.
import { GatewayApiRouter } from '../../../adapters/traffic/gateway-api-router.js';
import type { CanaryRoute as RouteTarget } from '../../../core/config/resolve-rollout.js';
import { DeployError } from '../../../core/deploy-error.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import type { TrafficRouter } from '../../../core/ports/traffic-router.js';
import { Reason } from '../../../core/reasons.js';

/**
 * @throws DeployError InvalidConfig (terminal) for `appmesh`, whose router is not part of this build yet: refused
 *   before anything is applied, naming the field.
 */
export function trafficRouterFor(target: RouteTarget, cluster: Cluster, envFile: string): TrafficRouter {
  switch (target.provider) {
    case 'gateway-api':
      return new GatewayApiRouter(cluster, { gateway: target.gateway });
    case 'appmesh':
      throw new DeployError(
        Reason.InvalidConfig,
        `${envFile}: traffic.provider appmesh (mesh ${target.mesh}) is not supported yet: no App Mesh router in this build; route the canary through gateway-api`,
      );
  }
}
