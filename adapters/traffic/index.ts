export {
  GatewayApiRouter,
  TRAFFIC_FIELD_MANAGER,
  weightsOf,
  type GatewayApiRouterOptions,
} from './gateway-api-router.js';
