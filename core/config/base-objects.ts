// Reading the parts of rendered objects that app.yaml describes (pod templates, containers, Services, autoscalers)
// without trusting their shape: a base is user input, so every field is checked before it is used.
import type { KubeObject } from '../kube/object.js';

/** A container of a pod template, as far as app.yaml's checks look at it. */
export interface BaseContainer {
  readonly name: string;
  /** The image reference as written (`shop/catalog`, `redis:alpine`, `r.example/x@sha256:…`). */
  readonly image: string;
  readonly ports: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly livenessProbe?: Readonly<Record<string, unknown>>;
  readonly readinessProbe?: Readonly<Record<string, unknown>>;
}

/** A Service port: `targetPort` is the port number or name it forwards to (its `port` when absent). */
export interface BaseServicePort {
  readonly name?: string;
  readonly port: number;
  readonly targetPort: number | string;
}

/** Where each kind keeps its pod template. */
const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Pod: [],
};

/** The pod template of a workload (or the Pod itself), or undefined for a kind that runs no pods. */
export function podTemplate(object: KubeObject): Readonly<Record<string, unknown>> | undefined {
  const path = TEMPLATE_PATHS[object.kind];
  if (path === undefined) return undefined;
  let at: unknown = object;
  for (const key of path) at = asRecord(at)?.[key];
  return asRecord(at);
}

/** The pod template's labels (what a Service selector matches). */
export function templateLabels(template: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  return asRecord(asRecord(template['metadata'])?.['labels']) ?? {};
}

/** The containers and init containers of a pod template, main containers first. */
export function templateContainers(template: Readonly<Record<string, unknown>>): BaseContainer[] {
  const spec = asRecord(template['spec']);
  return [...asList(spec?.['containers']), ...asList(spec?.['initContainers'])].flatMap((entry) => {
    const container = asRecord(entry);
    const name = container?.['name'];
    if (container === undefined || typeof name !== 'string') return [];
    const ports = asList(container['ports']).flatMap((portEntry) => {
      const port = asRecord(portEntry);
      const number = port?.['containerPort'];
      if (typeof number !== 'number') return [];
      const portName = port?.['name'];
      return [typeof portName === 'string' ? { name: portName, containerPort: number } : { containerPort: number }];
    });
    return [
      {
        name,
        image: typeof container['image'] === 'string' ? container['image'] : '',
        ports,
        livenessProbe: asRecord(container['livenessProbe']),
        readinessProbe: asRecord(container['readinessProbe']),
      },
    ];
  });
}

/** The repository part of an image reference: no tag, no digest (`r:5000/shop/x:1.2@sha256:…` → `r:5000/shop/x`). */
export function imageName(reference: string): string {
  const withoutDigest = reference.split('@')[0] ?? reference;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon < 0 ? withoutDigest : withoutDigest.slice(0, colon);
}

/** A Service's selector, when it has a non-empty one (a selectorless Service selects nothing by itself). */
export function serviceSelector(service: KubeObject): Readonly<Record<string, unknown>> | undefined {
  const selector = asRecord(asRecord(service['spec'])?.['selector']);
  return selector && Object.keys(selector).length > 0 ? selector : undefined;
}

/** A Service's ports. */
export function servicePorts(service: KubeObject): BaseServicePort[] {
  return asList(asRecord(service['spec'])?.['ports']).flatMap((entry) => {
    const port = asRecord(entry);
    const number = port?.['port'];
    if (typeof number !== 'number') return [];
    const target = port?.['targetPort'];
    const name = port?.['name'];
    return [
      {
        ...(typeof name === 'string' ? { name } : {}),
        port: number,
        targetPort: typeof target === 'number' || typeof target === 'string' ? target : number,
      },
    ];
  });
}

/** Whether every label of `selector` is on `labels`. */
export function selects(
  selector: Readonly<Record<string, unknown>>,
  labels: Readonly<Record<string, unknown>>,
): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** What a HorizontalPodAutoscaler (v1 or v2) scales and between which bounds. */
export interface BaseAutoscaler {
  readonly name: string;
  readonly targetKind: string;
  readonly targetName: string;
  /** Kubernetes' default is 1. */
  readonly minReplicas: number;
  readonly maxReplicas?: number;
  /** The average CPU utilization target in percent, when the autoscaler scales on it. */
  readonly cpuUtilization?: number;
}

/** Reads a HorizontalPodAutoscaler, or undefined for another kind. */
export function autoscalerOf(object: KubeObject): BaseAutoscaler | undefined {
  if (object.kind !== 'HorizontalPodAutoscaler') return undefined;
  const spec = asRecord(object['spec']) ?? {};
  const target = asRecord(spec['scaleTargetRef']) ?? {};
  const min = spec['minReplicas'];
  const max = spec['maxReplicas'];
  return {
    name: object.metadata.name,
    targetKind: typeof target['kind'] === 'string' ? target['kind'] : '',
    targetName: typeof target['name'] === 'string' ? target['name'] : '',
    minReplicas: typeof min === 'number' ? min : 1,
    ...(typeof max === 'number' ? { maxReplicas: max } : {}),
    ...cpuTarget(spec),
  };
}

/** autoscaling/v1 keeps the CPU target in one field; v2 in a `Resource` metric named cpu. */
function cpuTarget(spec: Readonly<Record<string, unknown>>): { cpuUtilization?: number } {
  const v1 = spec['targetCPUUtilizationPercentage'];
  if (typeof v1 === 'number') return { cpuUtilization: v1 };
  for (const entry of asList(spec['metrics'])) {
    const resource = asRecord(asRecord(entry)?.['resource']);
    const utilization = asRecord(resource?.['target'])?.['averageUtilization'];
    if (resource?.['name'] === 'cpu' && typeof utilization === 'number') return { cpuUtilization: utilization };
  }
  return {};
}

export function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
