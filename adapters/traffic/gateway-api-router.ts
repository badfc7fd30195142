// The Gateway API traffic router: one HTTPRoute per canaried app (`gateway.networking.k8s.io/v1`), attached to the
// environment's Gateway, with two weighted backendRefs: the app's own Service (stable) and its canary Service.
// The router owns the weights: it applies the route with a field manager of its own (`gantry-traffic`), so the
// environment's server-side apply (field manager `gantry`) never carries the route and never resets a weight.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject, ObjectRef } from '../../core/kube/object.js';
import { formatRef } from '../../core/kube/object.js';
import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';
import type { CallOptions, Cluster } from '../../core/ports/cluster.js';
import { ClusterError } from '../../core/ports/cluster-error.js';
import type { CanaryRoute, RouteWeights, RouterProblem, TrafficRouter } from '../../core/ports/traffic-router.js';

/** The field manager that owns route weights: never `gantry`, the environment's own. */
export const TRAFFIC_FIELD_MANAGER = 'gantry-traffic';

const GROUP = 'gateway.networking.k8s.io';
const VERSION = 'v1';

export interface GatewayApiRouterOptions {
  /** The environment's Gateway (env.yaml `traffic.gateway`). */
  readonly gateway: { readonly name: string; readonly namespace: string };
  /** How long a route may take to be Accepted by its Gateway's controller after a change. Default 30 s. */
  readonly acceptTimeoutMs?: number;
  /** Between reads of the route's status while waiting. Default 100 ms. */
  readonly pollMs?: number;
}

export class GatewayApiRouter implements TrafficRouter {
  readonly provider = 'gateway-api';
  private readonly acceptTimeoutMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly cluster: Cluster,
    private readonly options: GatewayApiRouterOptions,
  ) {
    this.acceptTimeoutMs = options.acceptTimeoutMs ?? 30_000;
    this.pollMs = options.pollMs ?? 100;
  }

  async check(route: CanaryRoute, options?: CallOptions): Promise<readonly RouterProblem[]> {
    const gateway = this.gatewayRef();
    let live: KubeObject | undefined;
    try {
      live = await this.cluster.get(gateway, options);
    } catch (error) {
      if (error instanceof ClusterError && error.code === 'KindNotFound') {
        return [
          {
            message: `traffic.provider gateway-api: the cluster does not serve ${GROUP}/${VERSION} Gateway and HTTPRoute (the Gateway API CRDs are not installed), needed by the canary of ${route.app}`,
          },
        ];
      }
      throw error;
    }
    if (!live) {
      return [
        {
          message: `traffic.gateway: ${formatRef(gateway)} does not exist, so the canary of ${route.app} has no Gateway to attach its HTTPRoute to`,
        },
      ];
    }
    return [];
  }

  async setWeights(route: CanaryRoute, weights: RouteWeights, options?: CallOptions): Promise<void> {
    checkWeights(weights);
    const [result] = await this.cluster.apply([this.httpRoute(route, weights)], {
      fieldManager: TRAFFIC_FIELD_MANAGER,
      force: true,
      signal: options?.signal,
    });
    if (!result)
      throw new DeployError(Reason.ApplyFailed, `${formatRef(this.routeRef(route))}: apply returned nothing`);
    if (result.outcome === 'failed') throw result.error;
    await this.waitAccepted(route, generationOf(result.object), options);
  }

  async readWeights(route: CanaryRoute, options?: CallOptions): Promise<RouteWeights | undefined> {
    const live = await this.cluster.get(this.routeRef(route), options);
    return live && weightsOf(live, route);
  }

  async cleanUp(route: CanaryRoute, options?: CallOptions): Promise<void> {
    // The canary backendRef stays at weight 0: removing it would be a second change of the route for no traffic
    // difference, and the next canary sets it again. Nothing else exists only for the canary in Gateway API.
    await this.setWeights(route, { stable: 100, canary: 0 }, options);
  }

  private gatewayRef(): ObjectRef {
    const { name, namespace } = this.options.gateway;
    return { group: GROUP, version: VERSION, kind: 'Gateway', namespace, name };
  }

  private routeRef(route: CanaryRoute): ObjectRef {
    return { group: GROUP, version: VERSION, kind: 'HTTPRoute', namespace: route.namespace, name: route.app };
  }

  private httpRoute(route: CanaryRoute, weights: RouteWeights): KubeObject {
    const { name, namespace } = this.options.gateway;
    return {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'HTTPRoute',
      metadata: {
        name: route.app,
        namespace: route.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'gantry', 'gantry.dev/canary-route': route.app },
      },
      spec: {
        parentRefs: [{ group: GROUP, kind: 'Gateway', name, namespace }],
        rules: [
          {
            backendRefs: [
              { kind: 'Service', name: route.stableService, port: route.port, weight: weights.stable },
              { kind: 'Service', name: route.canaryService, port: route.port, weight: weights.canary },
            ],
          },
        ],
      },
    };
  }

  /**
   * Resolves once the Gateway's controller reports the route Accepted for our Gateway at `generation` (Gateway API's
   * `status.parents[].conditions`): until then the data plane may still route by the previous weights.
   */
  private async waitAccepted(route: CanaryRoute, generation: number, options?: CallOptions): Promise<void> {
    const ref = this.routeRef(route);
    const deadline = Date.now() + this.acceptTimeoutMs;
    let last = 'no status from any Gateway controller';
    for (;;) {
      options?.signal?.throwIfAborted();
      const live = await this.cluster.get(ref, options);
      const accepted = live && acceptedCondition(live, this.options.gateway);
      if (accepted) {
        const observed = typeof accepted.observedGeneration === 'number' ? accepted.observedGeneration : 0;
        if (observed >= generation) {
          if (accepted.status === 'True') return;
          throw new DeployError(
            Reason.ApplyFailed,
            `${formatRef(ref)}: not accepted by Gateway ${this.options.gateway.namespace}/${this.options.gateway.name}: ${String(accepted.reason)}: ${String(accepted.message ?? '')}`,
            { ref },
          );
        }
        last = `Accepted is at generation ${observed}, the route is at ${generation}`;
      }
      if (Date.now() >= deadline) {
        throw new DeployError(
          Reason.HealthCheckTimeout,
          `${formatRef(ref)}: not Accepted by Gateway ${this.options.gateway.namespace}/${this.options.gateway.name} within ${this.acceptTimeoutMs} ms (${last}); is its controller running?`,
          { ref },
        );
      }
      await sleep(this.pollMs, undefined, { signal: options?.signal });
    }
  }
}

interface Condition {
  readonly type?: unknown;
  readonly status?: unknown;
  readonly reason?: unknown;
  readonly message?: unknown;
  readonly observedGeneration?: unknown;
}

function acceptedCondition(live: KubeObject, gateway: { name: string; namespace: string }): Condition | undefined {
  const status = live.status as { parents?: unknown } | undefined;
  const parents = Array.isArray(status?.parents) ? (status.parents as unknown[]) : [];
  for (const parent of parents) {
    const p = parent as { parentRef?: { name?: unknown; namespace?: unknown }; conditions?: unknown };
    if (p.parentRef?.name !== gateway.name) continue;
    if ((p.parentRef.namespace ?? live.metadata.namespace) !== gateway.namespace) continue;
    const conditions = Array.isArray(p.conditions) ? (p.conditions as Condition[]) : [];
    return conditions.find((c) => c.type === 'Accepted');
  }
  return undefined;
}

/** The weights of the route's first rule, as stable/canary percentages; undefined when it is not ours. */
export function weightsOf(live: KubeObject, route: CanaryRoute): RouteWeights | undefined {
  const spec = live.spec as { rules?: { backendRefs?: { name?: unknown; weight?: unknown }[] }[] } | undefined;
  const refs = spec?.rules?.[0]?.backendRefs ?? [];
  // Gateway API's default weight is 1 when a backendRef omits it.
  const weightOf = (name: string): number | undefined => {
    const ref = refs.find((r) => r.name === name);
    if (!ref) return undefined;
    return typeof ref.weight === 'number' ? ref.weight : 1;
  };
  const stable = weightOf(route.stableService);
  if (stable === undefined) return undefined;
  const canary = weightOf(route.canaryService) ?? 0;
  const total = stable + canary;
  if (total === 0) return { stable: 0, canary: 0 };
  // Weights are proportions in Gateway API; the router writes percentages, this reads any other writer's too.
  const canaryShare = Math.round((canary / total) * 100);
  return { stable: 100 - canaryShare, canary: canaryShare };
}

function generationOf(object: KubeObject): number {
  const generation = object.metadata.generation;
  return typeof generation === 'number' ? generation : 1;
}

function checkWeights(weights: RouteWeights): void {
  const ok = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 100;
  if (!ok(weights.stable) || !ok(weights.canary) || weights.stable + weights.canary !== 100) {
    throw new RangeError(
      `route weights must be integers 0–100 adding up to 100, got ${weights.stable}/${weights.canary}`,
    );
  }
}
