import type { KubeObject } from '../kube/object.js';
import { refKey, refOf, splitApiVersion } from '../kube/object.js';
import { parsePointer, removeAt } from './json-pointer.js';

/**
 * Fields the pipeline leaves to someone else: they are dropped from what is applied and from both sides of a diff,
 * so neither a diff nor an apply fights their owner (the HPA over `/spec/replicas`, a VPA over resources).
 */
export interface IgnoreRule {
  readonly kind: string;
  /** API group (`apps`); absent: any group. */
  readonly group?: string;
  /** Only the object with this name; absent: every object of the kind. */
  readonly name?: string;
  /** Only objects in this namespace; absent: every namespace. */
  readonly namespace?: string;
  /** JSON pointers (`/spec/replicas`); a `*` token matches any key or array index (`/metadata/annotations/*`). */
  readonly pointers: readonly string[];
}

function matches(rule: IgnoreRule, obj: KubeObject): boolean {
  return (
    rule.kind === obj.kind &&
    (rule.group === undefined || rule.group === splitApiVersion(obj.apiVersion).group) &&
    (rule.name === undefined || rule.name === obj.metadata.name) &&
    (rule.namespace === undefined || rule.namespace === obj.metadata.namespace)
  );
}

/**
 * Removes the ignored fields from a deep copy of `value` (an object of `obj`'s kind and identity). Also the way to
 * build what is applied, so the pipeline never takes ownership of an ignored field.
 */
export function withoutIgnoredFields<T>(obj: KubeObject, value: T, rules: readonly IgnoreRule[]): T {
  const applicable = rules.filter((rule) => matches(rule, obj));
  if (applicable.length === 0) return value;
  const copy = structuredClone(value);
  for (const rule of applicable) for (const pointer of rule.pointers) removeAt(copy, parsePointer(pointer));
  return copy;
}

/**
 * A workload whose `/spec/replicas` a rendered autoscaler owns. `seed` is the count it is created with (the
 * autoscaler's minimum), since an HPA does nothing while its target is at 0 and a sole owner dropping the field
 * would leave the apiserver's default of 1.
 */
export interface AutoscaledTarget {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly seed: number;
  /** `HorizontalPodAutoscaler/<name>` or `ScaledObject/<name>`, for messages. */
  readonly scaler: string;
}

type ScaleTarget = { kind?: unknown; name?: unknown };
type Reader = (spec: Record<string, unknown>) => { target?: ScaleTarget; seed: unknown };

/** Kinds whose autoscaler owns a target's `/spec/replicas`: how to read the target and the minimum. */
const AUTOSCALERS: Readonly<Record<string, Reader>> = {
  // minReplicas defaults to 1.
  'autoscaling/HorizontalPodAutoscaler': (spec) => ({ target: spec['scaleTargetRef'] as ScaleTarget | undefined, seed: spec['minReplicas'] ?? 1 }),
  // KEDA defaults the target kind to Deployment and minReplicaCount to 0 (KEDA itself activates 0 -> 1).
  'keda.sh/ScaledObject': (spec) => {
    const target = spec['scaleTargetRef'] as ScaleTarget | undefined;
    return { target: target && { kind: target.kind ?? 'Deployment', name: target.name }, seed: spec['minReplicaCount'] ?? 0 };
  },
};

/** The workloads the rendered HPAs and ScaledObjects scale. */
export function autoscaledTargets(objects: readonly KubeObject[]): AutoscaledTarget[] {
  return objects.flatMap((obj) => {
    const read = AUTOSCALERS[`${splitApiVersion(obj.apiVersion).group}/${obj.kind}`];
    const spec = obj['spec'];
    if (read === undefined || typeof spec !== 'object' || spec === null) return [];
    const { target, seed } = read(spec as Record<string, unknown>);
    if (typeof target?.kind !== 'string' || typeof target.name !== 'string') return [];
    return [{
      kind: target.kind,
      name: target.name,
      ...(obj.metadata.namespace !== undefined && { namespace: obj.metadata.namespace }),
      seed: typeof seed === 'number' ? seed : 1,
      scaler: `${obj.kind}/${obj.metadata.name}`,
    }];
  });
}

/** True when `obj` is the workload `target` names (same kind, name and namespace). */
export function isTarget(target: AutoscaledTarget, obj: KubeObject): boolean {
  return target.kind === obj.kind && target.name === obj.metadata.name && target.namespace === obj.metadata.namespace;
}

/**
 * One rule per rendered autoscaler (HPA, KEDA ScaledObject) leaving its target's `/spec/replicas` to it, so a
 * deploy neither resets a scaled-out Deployment nor reports the autoscaler's choice as drift.
 */
export function autoscalerIgnoreRules(objects: readonly KubeObject[]): IgnoreRule[] {
  return autoscaledTargets(objects).map((t) => ({
    kind: t.kind,
    name: t.name,
    ...(t.namespace !== undefined && { namespace: t.namespace }),
    pointers: ['/spec/replicas'],
  }));
}

/**
 * Per autoscaled workload (by refKey), `spec.replicas` as the readable path drift names it: the autoscaler's to
 * change, and to take over from the seed the workload was created with, so neither is drift.
 */
export function autoscaledReplicasPaths(objects: readonly KubeObject[]): Map<string, string[]> {
  const targets = autoscaledTargets(objects);
  return new Map(
    objects.filter((obj) => targets.some((t) => isTarget(t, obj))).map((obj) => [refKey(refOf(obj)), ['spec.replicas']]),
  );
}

/**
 * The objects to apply when the targets that are not live yet get created: those carry `spec.replicas` = the
 * autoscaler's minimum (their payload had it removed), the rest are unchanged. The field manager that applies
 * the seed owns it until the autoscaler first writes it; the next deploy hands it over (see {@link ownsReplicas}).
 */
export function seedReplicas(objects: readonly KubeObject[], isLive: (obj: KubeObject) => boolean): KubeObject[] {
  const targets = autoscaledTargets(objects);
  return objects.map((obj) => {
    const target = targets.find((t) => isTarget(t, obj));
    if (target === undefined || isLive(obj)) return obj;
    const spec = { ...(obj['spec'] as Record<string, unknown> | undefined), replicas: target.seed };
    return { ...obj, spec };
  });
}

/** True when `manager`'s server-side apply owns the live object's `/spec/replicas` (it applied it before). */
export function ownsReplicas(live: KubeObject, manager: string): boolean {
  const entries = (live.metadata as { managedFields?: { manager?: string; operation?: string; fieldsV1?: Record<string, unknown> }[] }).managedFields ?? [];
  return entries.some((entry) => {
    const spec = entry.manager === manager && entry.operation === 'Apply' ? entry.fieldsV1?.['f:spec'] : undefined;
    return typeof spec === 'object' && spec !== null && 'f:replicas' in spec;
  });
}

/**
 * The documented replicas-only hand-over: applied under a temporary field manager with the live count, it makes
 * that manager a co-owner of `/spec/replicas`, so the next apply leaving the field out keeps the live count (not 1)
 * until the autoscaler writes it and takes it over.
 */
export function replicasHandover(live: KubeObject): KubeObject {
  const replicas = (live['spec'] as { replicas?: unknown } | undefined)?.replicas;
  return {
    apiVersion: live.apiVersion,
    kind: live.kind,
    metadata: { name: live.metadata.name, ...(live.metadata.namespace !== undefined && { namespace: live.metadata.namespace }) },
    spec: { replicas },
  };
}
