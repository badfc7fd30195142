// The traffic router: moves a share of an app's requests from its stable version to its canary, reads the live
// share back from the route objects, and puts everything back on stable. One port, two providers chosen per
// environment (or per app) by `traffic.provider`: Gateway API (an HTTPRoute with weighted backendRefs) and AWS App
// Mesh (a VirtualRouter route with weighted targets over one VirtualNode per version). The canary logic in core/
// and worker/ never knows which provider runs.
//
// Weights are percentages of the app's traffic, stable + canary = 100. The router owns them: gantry's own
// server-side apply of the environment never writes a weight the router set.
import type { CallOptions } from './cluster.js';

/** One app's route in one namespace: what the provider needs to find or create its objects. */
export interface CanaryRoute {
  /** The app (app.yaml `name`); names the route objects. */
  readonly app: string;
  readonly namespace: string;
  /** The Service that selects the stable version's pods (the app's own Service). */
  readonly stableService: string;
  /** The Service that selects only the canary's pods. */
  readonly canaryService: string;
  /** The service port both Services expose and the route forwards to. */
  readonly port: number;
  /**
   * The App Mesh virtual node names (App Mesh side, `awsName`) the versions' Envoy sidecars present in
   * `APPMESH_RESOURCE_ARN`, when the manifest names one: the router gives its nodes these names so each version's
   * Envoy finds its own node. Absent: the router's default names.
   */
  readonly meshNodes?: { readonly mesh: string; readonly stable: string; readonly canary: string };
}

/** The split as the route objects hold it. */
export interface RouteWeights {
  /** 0–100. */
  readonly stable: number;
  /** 0–100; stable + canary = 100. */
  readonly canary: number;
}

/** A route the provider could not serve, before or during a canary; `message` names the object and field. */
export interface RouterProblem {
  readonly message: string;
}

export interface TrafficRouter {
  /** `gateway-api` | `appmesh`: for logs, reports and the release record. */
  readonly provider: string;
  /**
   * Everything the provider needs exists and is well formed (its CRDs are served, the Gateway or mesh exists):
   * asked before anything of the environment is applied. Empty when the route can be served.
   */
  check(route: CanaryRoute, options?: CallOptions): Promise<readonly RouterProblem[]>;
  /**
   * Creates or updates the route objects so the live split is `weights`. Idempotent: the same call twice is one
   * change. Resolves once the provider has accepted the change (Gateway API: the route is Accepted by its parents
   * at its current generation), so a read that follows sees it.
   */
  setWeights(route: CanaryRoute, weights: RouteWeights, options?: CallOptions): Promise<void>;
  /** The split the live route objects hold; undefined when there is no route yet. */
  readWeights(route: CanaryRoute, options?: CallOptions): Promise<RouteWeights | undefined>;
  /**
   * After a promotion or an abort: all traffic on stable, then the objects that exist only for the canary
   * (canary virtual node, Cloud Map instances of the canary) removed. The route itself stays, at 100/0.
   */
  cleanUp(route: CanaryRoute, options?: CallOptions): Promise<void>;
}
