export {
  GatewayApiRouter,
  TRAFFIC_FIELD_MANAGER,
  weightsOf,
  type GatewayApiRouterOptions,
} from './gateway-api-router.js';
export { AppMeshRouter, CloudMapRegistry, type AppMeshRouterOptions, type MeshDiscovery, type MeshInstance } from './appmesh/index.js';
