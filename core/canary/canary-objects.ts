// The canary beside the stable version. The stable version is the app's own Deployment and Service, untouched
// until promotion; the canary is a second Deployment (`<name>-canary`) running the new template and a second
// Service (`<service>-canary`) selecting only its pods, the two backends the traffic router weighs.
//
// Why the canary's pods drop the app's selector labels: Argo Rollouts keeps one selector and tells versions apart by
// the pod-template hash it injects into the Services; Flagger renames the user's Deployment to `<name>-primary`
// with its own selector. Both avoid the same trap: if the canary's pods kept `app: catalog`, the stable Service
// would send them stable traffic (the real canary share would exceed the step's weight), the stable Deployment's
// selector would overlap the canary's (which Kubernetes warns against), and an HPA on the stable Deployment would
// average the canary's pods into its metric. Gantry never renames the app's own objects (an HPA, a PDB, dashboards
// point at them), so the canary is the one that moves: its pods carry `gantry.dev/canary-of: <deployment>` instead
// of the selector's labels, every other label kept.
import type { KubeObject } from '../kube/object.js';
import type { CanaryRoute } from '../ports/traffic-router.js';

/** The label that selects a canary's pods; its value is the stable Deployment's name. */
export const CANARY_OF_LABEL = 'gantry.dev/canary-of';
/** On the canary objects: the app they stand in for, so a promotion or an abort finds them. */
export const CANARY_SUFFIX = '-canary';

/** The Envoy sidecar's identity in App Mesh: `[arn:aws:appmesh:<region>:<account>:]mesh/<mesh>/virtualNode/<node>`. */
export const ENVOY_IDENTITY_ENV = 'APPMESH_RESOURCE_ARN';
const ENVOY_IDENTITY = /^((?:arn:[^:]*:appmesh:[^:]*:[^:]*:)?mesh\/([^/]+)\/virtualNode\/)([^/]+)$/;

/**
 * The canary's App Mesh node name for a stable node name: the App Mesh controller's own default shape
 * `<name>_<namespace>` becomes `<name>-canary_<namespace>`; any other name gains the suffix.
 */
export function canaryMeshNode(stable: string, namespace: string): string {
  const tail = `_${namespace}`;
  return stable.endsWith(tail) && stable.length > tail.length
    ? `${stable.slice(0, -tail.length)}${CANARY_SUFFIX}${tail}`
    : `${stable}${CANARY_SUFFIX}`;
}

interface EnvVar {
  readonly name?: string;
  readonly value?: string;
}
interface Container {
  readonly env?: readonly EnvVar[];
}

/**
 * The Envoy identity the template's containers carry and the template with it rewritten for the canary. Why the
 * rewrite: the canary's pods start from stable's template, so without it both versions' Envoys would present
 * stable's node and the canary's pods would take stable's configuration in App Mesh.
 */
function envoyIdentity(
  template: KubeObject,
  namespace: string,
  where: string,
): { meshNodes: NonNullable<CanaryRoute['meshNodes']>; canaryTemplate: KubeObject } | undefined {
  const podSpec = (template.spec ?? {}) as { containers?: Container[]; initContainers?: Container[] };
  let found: { prefix: string; mesh: string; node: string } | undefined;
  const rewrite = (containers: Container[] | undefined) =>
    containers?.map((container) => {
      if (!container.env?.some((e) => e.name === ENVOY_IDENTITY_ENV)) return container;
      return {
        ...container,
        env: container.env.map((e) => {
          if (e.name !== ENVOY_IDENTITY_ENV) return e;
          const match = ENVOY_IDENTITY.exec(e.value ?? '');
          if (!match)
            throw new RangeError(
              `${where}: env ${ENVOY_IDENTITY_ENV} ${JSON.stringify(e.value ?? '')} is not mesh/<mesh>/virtualNode/<node>`,
            );
          const [, prefix, mesh, node] = match as unknown as [string, string, string, string];
          if (found && (found.mesh !== mesh || found.node !== node))
            throw new RangeError(`${where}: containers name two App Mesh identities (${found.node}, ${node})`);
          found = { prefix, mesh, node };
          return { ...e, value: `${prefix}${canaryMeshNode(node, namespace)}` };
        }),
      };
    });
  const containers = rewrite(podSpec.containers);
  const initContainers = rewrite(podSpec.initContainers);
  if (!found) return undefined;
  return {
    meshNodes: { mesh: found.mesh, stable: found.node, canary: canaryMeshNode(found.node, namespace) },
    canaryTemplate: {
      ...template,
      spec: {
        ...podSpec,
        ...(containers && { containers }),
        ...(initContainers && { initContainers }),
      },
    },
  };
}

export interface CanaryObjects {
  readonly deployment: KubeObject;
  readonly service: KubeObject;
  /** What the traffic router weighs: the app's Service and the canary's, on the Service's first port. */
  readonly route: CanaryRoute;
}

export interface CanaryObjectsOptions {
  /**
   * The route runs through App Mesh: the canary's pods get their own Envoy identity and the route names both nodes.
   * Otherwise (Gateway API) the mesh, if any, is the platform's, and the canary's Envoy keeps the node the manifest
   * names, the one that exists.
   */
  readonly appMesh?: boolean;
}

/**
 * The canary Deployment and Service for the rendered (new) `deployment` and the app's `service`. `replicas`: what
 * the stable version runs now, so the canary can take any step's share; autoscalers keep targeting only stable.
 */
export function canaryObjects(
  app: string,
  deployment: KubeObject,
  service: KubeObject,
  replicas: number,
  options: CanaryObjectsOptions = {},
): CanaryObjects {
  const name = deployment.metadata.name;
  const namespace = deployment.metadata.namespace ?? service.metadata.namespace ?? '';
  const spec = (deployment.spec ?? {}) as {
    selector?: { matchLabels?: Record<string, string> };
    template?: KubeObject;
  };
  const selectorKeys = Object.keys(spec.selector?.matchLabels ?? {});
  const rendered = spec.template ?? ({ metadata: {} } as unknown as KubeObject);
  const identity = options.appMesh
    ? envoyIdentity(rendered, namespace, `Deployment/${namespace}/${name} spec.template`)
    : undefined;
  const template = identity?.canaryTemplate ?? rendered;
  const templateLabels = { ...((template.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {}) };
  for (const key of selectorKeys) delete templateLabels[key];
  const canaryLabels = { ...templateLabels, [CANARY_OF_LABEL]: name };
  const ports = ((service.spec as { ports?: { port?: number }[] } | undefined)?.ports ?? []).filter(
    (p) => typeof p.port === 'number',
  );
  const port = ports[0]?.port;
  if (port === undefined)
    throw new RangeError(`Service/${namespace}/${service.metadata.name} has no port to route a canary on`);

  const canaryDeployment: KubeObject = {
    apiVersion: deployment.apiVersion,
    kind: 'Deployment',
    metadata: {
      name: `${name}${CANARY_SUFFIX}`,
      namespace,
      labels: { ...(deployment.metadata.labels ?? {}), [CANARY_OF_LABEL]: name },
    },
    spec: {
      ...(deployment.spec as object),
      replicas: Math.max(1, replicas),
      selector: { matchLabels: { [CANARY_OF_LABEL]: name } },
      template: { ...template, metadata: { ...(template.metadata as object), labels: canaryLabels } },
    },
  };
  const serviceSpec = (service.spec ?? {}) as Record<string, unknown>;
  const canaryService: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: `${service.metadata.name}${CANARY_SUFFIX}`,
      namespace,
      labels: { ...(service.metadata.labels ?? {}), [CANARY_OF_LABEL]: name },
    },
    spec: { type: 'ClusterIP', ports: serviceSpec.ports, selector: { [CANARY_OF_LABEL]: name } },
  };
  return {
    deployment: canaryDeployment,
    service: canaryService,
    route: {
      app,
      namespace,
      stableService: service.metadata.name,
      canaryService: canaryService.metadata.name,
      port,
      ...(identity && { meshNodes: identity.meshNodes }),
    },
  };
}
