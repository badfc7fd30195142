// The App Mesh traffic router (appmesh.k8s.aws/v1beta2), after the pattern Flagger's App Mesh router uses: per app,
// a VirtualNode per version (`<app>-stable`, `<app>-canary`) selecting that version's pods, one VirtualRouter
// `<app>` whose single route splits between them by `weightedTargets`, and a VirtualService named like the app's
// Service DNS name in front of the router. The mesh itself (env.yaml `traffic.mesh`) is the platform's: the router
// checks that it exists and never creates it.
//
// The router owns these objects under its own field manager. The route's weights change only through a
// resourceVersion-guarded apply, so a concurrent edit makes the write fail with Conflict rather than being lost.
import { TRAFFIC_FIELD_MANAGER } from '../gateway-api-router.js';
import type { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { DeployError } from '../../../core/deploy-error.js';
import type { KubeObject, ObjectRef } from '../../../core/kube/object.js';
import type { CallOptions, Cluster } from '../../../core/ports/cluster.js';
import type { CanaryRoute, RouteWeights, RouterProblem, TrafficRouter } from '../../../core/ports/traffic-router.js';
import { Reason } from '../../../core/reasons.js';
import { CloudMapRegistry, type MeshInstance } from './cloud-map.js';

export const APPMESH_API = 'appmesh.k8s.aws/v1beta2';
const GROUP = 'appmesh.k8s.aws';
const VERSION = 'v1beta2';
/** The field manager of every object the router writes; gantry's environment apply never writes them. */


/** How virtual nodes are found: the Services' cluster DNS names, or Cloud Map instances. */
export type MeshDiscovery =
  | { readonly type: 'dns' }
  | { readonly type: 'cloud-map'; readonly namespace: string; readonly client: ServiceDiscoveryClient };

export interface AppMeshRouterOptions {
  readonly cluster: Cluster;
  /** The App Mesh mesh name (env.yaml `traffic.mesh`). */
  readonly mesh: string;
  readonly discovery: MeshDiscovery;
}

const ref = (kind: string, name: string, namespace?: string): ObjectRef => ({
  group: GROUP,
  version: VERSION,
  kind,
  name,
  ...(namespace !== undefined && { namespace }),
});

/** The object names for one route. */
export function meshNames(route: CanaryRoute) {
  return {
    stableNode: `${route.app}-stable`,
    canaryNode: `${route.app}-canary`,
    /**
     * The nodes' names in App Mesh (`spec.awsName`), which the Envoy sidecars present in APPMESH_RESOURCE_ARN: the
     * manifest's own identity when it names one (route.meshNodes), else the controller's default `<name>_<namespace>`.
     */
    stableAwsName: route.meshNodes?.stable ?? `${route.app}-stable_${route.namespace}`,
    canaryAwsName: route.meshNodes?.canary ?? `${route.app}-canary_${route.namespace}`,
    router: route.app,
    service: route.app,
    /** The name clients call, as App Mesh matches it: the stable Service's cluster DNS name. */
    awsName: `${route.stableService}.${route.namespace}.svc.cluster.local`,
  };
}

interface WeightedTarget {
  readonly virtualNodeRef?: { readonly name?: string };
  readonly weight?: number;
}

export class AppMeshRouter implements TrafficRouter {
  readonly provider = 'appmesh';
  private readonly cluster: Cluster;
  private readonly mesh: string;
  private readonly cloudMap?: CloudMapRegistry;

  constructor(options: AppMeshRouterOptions) {
    this.cluster = options.cluster;
    this.mesh = options.mesh;
    if (options.discovery.type === 'cloud-map')
      this.cloudMap = new CloudMapRegistry(options.discovery.client, options.discovery.namespace);
  }

  async check(route: CanaryRoute, options: CallOptions = {}): Promise<readonly RouterProblem[]> {
    const problems: RouterProblem[] = [];
    for (const kind of ['Mesh', 'VirtualNode', 'VirtualRouter', 'VirtualService']) {
      const list = await this.cluster
        .list({ apiVersion: APPMESH_API, kind, ...(kind !== 'Mesh' && { namespace: route.namespace }) }, options)
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      if (list !== undefined)
        problems.push({
          message: `${APPMESH_API} ${kind} is not served by the cluster (are the App Mesh CRDs installed?): ${String(list instanceof Error ? list.message : list)}`,
        });
    }
    if (problems.length > 0) return problems;
    if (!(await this.cluster.get(ref('Mesh', this.mesh), options)))
      problems.push({ message: `Mesh ${this.mesh} (env.yaml traffic.mesh) does not exist in the cluster` });
    if (route.meshNodes && route.meshNodes.mesh !== this.mesh)
      problems.push({
        message: `Deployment ${route.namespace}/${route.app}: the Envoy sidecar's APPMESH_RESOURCE_ARN names mesh ${route.meshNodes.mesh}, env.yaml traffic.mesh is ${this.mesh}`,
      });
    // The app's Services are not asked for: check runs before the environment (which holds them) is applied, and
    // setWeights names a missing one.
    if (this.cloudMap && !(await this.cloudMap.namespaceId(options.signal)))
      problems.push({
        message: `Cloud Map namespace ${this.cloudMap.namespaceName} (env.yaml traffic.discovery.namespace) does not exist`,
      });
    return problems;
  }

  async setWeights(route: CanaryRoute, weights: RouteWeights, options: CallOptions = {}): Promise<void> {
    if (!Number.isInteger(weights.stable) || !Number.isInteger(weights.canary) || weights.stable < 0 || weights.canary < 0 || weights.stable + weights.canary !== 100)
      throw new DeployError(Reason.InvalidConfig, `App Mesh route ${route.namespace}/${route.app}: weights ${weights.stable}/${weights.canary} must be whole percentages summing to 100`);
    const meshRef = await this.meshRef(options);
    const names = meshNames(route);
    // Both reads run at once, but a failure is reported in a fixed order (stable first), not whichever answered first.
    const [stableRead, canaryRead] = await Promise.allSettled([
      this.selectorOf(route, route.stableService, options),
      this.selectorOf(route, route.canaryService, options),
    ]);
    if (stableRead.status === 'rejected') throw stableRead.reason;
    if (canaryRead.status === 'rejected') throw canaryRead.reason;
    const stableSelector = stableRead.value;
    const canarySelector = canaryRead.value;
    if (this.cloudMap)
      await Promise.all([
        this.cloudMap.sync(route.stableService, await this.readyPods(route, stableSelector, options), options.signal),
        // A version that takes no traffic is not discoverable: at 100/0 (a promotion or an abort, before the canary
        // is scaled down) its instances are deregistered, so none outlive its pods.
        this.cloudMap.sync(
          route.canaryService,
          weights.canary === 0 ? [] : await this.readyPods(route, canarySelector, options),
          options.signal,
        ),
      ]);
    await this.write(
      [
        this.virtualNode(route, names.stableNode, names.stableAwsName, route.stableService, stableSelector, meshRef),
        this.virtualNode(route, names.canaryNode, names.canaryAwsName, route.canaryService, canarySelector, meshRef),
      ],
      options,
    );
    const live = await this.cluster.get(ref('VirtualRouter', names.router, route.namespace), options);
    await this.write([this.virtualRouter(route, meshRef, weights, live?.metadata.resourceVersion as string | undefined)], options);
    await this.write([this.virtualService(route, meshRef)], options);
  }

  async readWeights(route: CanaryRoute, options: CallOptions = {}): Promise<RouteWeights | undefined> {
    const names = meshNames(route);
    const live = await this.cluster.get(ref('VirtualRouter', names.router, route.namespace), options);
    if (!live) return undefined;
    const targets = routeTargets(live);
    if (!targets) return undefined;
    const weightOf = (node: string) => targets.filter((t) => t.virtualNodeRef?.name === node).reduce((sum, t) => sum + (t.weight ?? 0), 0);
    const stable = weightOf(names.stableNode);
    const canary = weightOf(names.canaryNode);
    if (stable + canary !== 100)
      throw new DeployError(
        Reason.ValidationFailed,
        `spec.routes[0].httpRoute.action.weightedTargets sends ${100 - stable - canary} % elsewhere than ${names.stableNode} and ${names.canaryNode}: edited outside gantry?`,
        { ref: ref('VirtualRouter', names.router, route.namespace) },
      );
    return { stable, canary };
  }

  async cleanUp(route: CanaryRoute, options: CallOptions = {}): Promise<void> {
    const names = meshNames(route);
    const meshRef = await this.meshRef(options);
    const live = await this.cluster.get(ref('VirtualRouter', names.router, route.namespace), options);
    if (live) await this.write([this.virtualRouter(route, meshRef, { stable: 100, canary: 0 }, live.metadata.resourceVersion as string | undefined, true)], options);
    await this.cluster.delete(ref('VirtualNode', names.canaryNode, route.namespace), options);
    await this.cloudMap?.clear(route.canaryService, options.signal);
  }

  private async meshRef(options: CallOptions): Promise<{ name: string; uid: string }> {
    const mesh = await this.cluster.get(ref('Mesh', this.mesh), options);
    const uid = mesh?.metadata.uid as string | undefined;
    if (!uid)
      throw new DeployError(Reason.InvalidConfig, `Mesh ${this.mesh} (env.yaml traffic.mesh) does not exist in the cluster`);
    return { name: this.mesh, uid };
  }

  private async selectorOf(route: CanaryRoute, name: string, options: CallOptions): Promise<Record<string, string>> {
    const serviceRef = { group: '', version: 'v1', kind: 'Service', namespace: route.namespace, name };
    const service = await this.cluster.get(serviceRef, options);
    const selector = (service?.spec as { selector?: Record<string, string> } | undefined)?.selector;
    if (!selector || Object.keys(selector).length === 0)
      throw new DeployError(Reason.NotFound, service ? 'has no selector: its version has no pods to route to' : 'does not exist', { ref: serviceRef });
    return selector;
  }

  /** The Ready pods a selector picks, as Cloud Map instances (pod name, pod IP, the route's port). */
  private async readyPods(route: CanaryRoute, selector: Record<string, string>, options: CallOptions): Promise<MeshInstance[]> {
    const pods = await this.cluster.list(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: route.namespace,
        labelSelector: Object.entries(selector)
          .map(([key, value]) => `${key}=${value}`)
          .join(','),
      },
      options,
    );
    return pods.flatMap((pod) => {
      const status = pod.status as { podIP?: string; conditions?: { type: string; status: string }[] } | undefined;
      const ready = status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return ready && status?.podIP && !pod.metadata.deletionTimestamp ? [{ id: pod.metadata.name, ipv4: status.podIP, port: route.port }] : [];
    });
  }

  private virtualNode(route: CanaryRoute, name: string, awsName: string, service: string, selector: Record<string, string>, meshRef: object): KubeObject {
    return {
      apiVersion: APPMESH_API,
      kind: 'VirtualNode',
      metadata: { name, namespace: route.namespace, labels: { 'app.kubernetes.io/name': route.app, 'app.kubernetes.io/managed-by': 'gantry' } },
      spec: {
        meshRef,
        awsName,
        podSelector: { matchLabels: selector },
        listeners: [{ portMapping: { port: route.port, protocol: 'http' } }],
        serviceDiscovery: this.cloudMap
          ? { awsCloudMap: { namespaceName: this.cloudMap.namespaceName, serviceName: service } }
          : { dns: { hostname: `${service}.${route.namespace}.svc.cluster.local` } },
      },
    };
  }

  private virtualRouter(route: CanaryRoute, meshRef: object, weights: RouteWeights, resourceVersion: string | undefined, stableOnly = false): KubeObject {
    const names = meshNames(route);
    const targets = [{ virtualNodeRef: { name: names.stableNode }, weight: weights.stable }];
    if (!stableOnly) targets.push({ virtualNodeRef: { name: names.canaryNode }, weight: weights.canary });
    const router: KubeObject = {
      apiVersion: APPMESH_API,
      kind: 'VirtualRouter',
      metadata: {
        name: names.router,
        namespace: route.namespace,
        labels: { 'app.kubernetes.io/name': route.app, 'app.kubernetes.io/managed-by': 'gantry' },
        // Apply with a resourceVersion is a precondition: the write fails with Conflict if the route changed since read.
        ...(resourceVersion !== undefined && { resourceVersion }),
      },
      spec: {
        meshRef,
        awsName: `${names.router}_${route.namespace}`,
        listeners: [{ portMapping: { port: route.port, protocol: 'http' } }],
        routes: [{ name: 'canary', httpRoute: { match: { prefix: '/' }, action: { weightedTargets: targets } } }],
      },
    };
    return router;
  }

  private virtualService(route: CanaryRoute, meshRef: object): KubeObject {
    const names = meshNames(route);
    return {
      apiVersion: APPMESH_API,
      kind: 'VirtualService',
      metadata: { name: names.service, namespace: route.namespace, labels: { 'app.kubernetes.io/name': route.app, 'app.kubernetes.io/managed-by': 'gantry' } },
      spec: { meshRef, awsName: names.awsName, provider: { virtualRouter: { virtualRouterRef: { name: names.router } } } },
    };
  }

  private async write(objects: readonly KubeObject[], options: CallOptions): Promise<void> {
    const results = await this.cluster.apply(objects, { fieldManager: TRAFFIC_FIELD_MANAGER, force: true, ...(options.signal && { signal: options.signal }) });
    const failed = results.find((r) => r.outcome === 'failed');
    if (failed?.outcome === 'failed') throw failed.error;
  }
}

function routeTargets(router: KubeObject): readonly WeightedTarget[] | undefined {
  const routes = (router.spec as { routes?: { httpRoute?: { action?: { weightedTargets?: WeightedTarget[] } } }[] } | undefined)?.routes;
  return routes?.[0]?.httpRoute?.action?.weightedTargets;
}
