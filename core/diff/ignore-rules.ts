import type { KubeObject } from '../kube/object.js';
import { splitApiVersion } from '../kube/object.js';
import { parsePointer, removeAt, WILDCARD } from './json-pointer.js';

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
 * True when a rule leaves `field` of `obj` to someone else. `field` is a readable path as drift reports name it
 * (`spec.replicas`, `spec.template.spec.containers[name=api].image`, see core/diff/owned-fields.ts): ignored when a
 * rule's pointer names it or a field above it (`*` matching any one step; a list item is one step).
 */
export function isIgnoredField(rules: readonly IgnoreRule[], obj: KubeObject, field: string): boolean {
  const steps = field.match(/\[[^\]]*\]|[^.[\]]+/g) ?? [];
  return rules.some(
    (rule) =>
      matches(rule, obj) &&
      rule.pointers.some((pointer) => {
        const tokens = parsePointer(pointer);
        return tokens.length <= steps.length && tokens.every((token, i) => token === WILDCARD || token === steps[i]);
      }),
  );
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

const VPA_PASSIVE_MODES = new Set(['Off', 'Initial']);

/** True for an HPA or ScaledObject that scales on CPU or memory (the signals a VPA changes under it). */
function scalesOnCpuOrMemory(obj: KubeObject): boolean {
  const spec = (obj['spec'] ?? {}) as { metrics?: unknown; triggers?: unknown; targetCPUUtilizationPercentage?: unknown };
  if (obj.kind === 'HorizontalPodAutoscaler' && spec.targetCPUUtilizationPercentage !== undefined) return true;
  const entries = (Array.isArray(spec.metrics) ? spec.metrics : Array.isArray(spec.triggers) ? spec.triggers : []) as Record<string, unknown>[];
  return entries.some((entry) => {
    if (obj.kind === 'ScaledObject') return entry['type'] === 'cpu' || entry['type'] === 'memory';
    const resource = (entry['resource'] ?? entry['containerResource']) as { name?: unknown } | undefined;
    return resource?.name === 'cpu' || resource?.name === 'memory';
  });
}

/**
 * The autoscalers that would fight each other, each as the object and field to fix (`ScaledObject/orders:
 * spec.scaleTargetRef`) and why: two
 * scalers (HPA, ScaledObject) on one workload, and a VPA that changes pods (any mode but Off and Initial; the
 * default is Recreate) beside an HPA or ScaledObject scaling the same workload on CPU or memory.
 */
export function autoscalerConflicts(objects: readonly KubeObject[]): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const targets = autoscaledTargets(objects);
  const key = (t: { kind: string; name: string; namespace?: string }) => `${t.namespace ?? ''}/${t.kind}/${t.name}`;
  const byTarget = new Map<string, AutoscaledTarget[]>();
  for (const t of targets) byTarget.set(key(t), [...(byTarget.get(key(t)) ?? []), t]);
  for (const group of byTarget.values()) {
    const [first] = group;
    if (first !== undefined && group.length > 1)
      problems.push({ path: `${group[1]!.scaler}: spec.scaleTargetRef`, message: `${first.kind}/${first.name} is already scaled by ${group.slice(0, -1).map((t) => t.scaler).join(', ')}; two scalers would fight over its replicas, keep one` });
  }
  for (const vpa of objects.filter((o) => o.kind === 'VerticalPodAutoscaler' && splitApiVersion(o.apiVersion).group === 'autoscaling.k8s.io')) {
    const spec = (vpa['spec'] ?? {}) as { targetRef?: { kind?: unknown; name?: unknown }; updatePolicy?: { updateMode?: unknown } };
    const mode = typeof spec.updatePolicy?.updateMode === 'string' ? spec.updatePolicy.updateMode : 'Recreate';
    if (VPA_PASSIVE_MODES.has(mode)) continue;
    const target = { kind: String(spec.targetRef?.kind), name: String(spec.targetRef?.name), ...(vpa.metadata.namespace !== undefined && { namespace: vpa.metadata.namespace }) };
    const rivals = objects.filter((o) => scalesOnCpuOrMemory(o) && autoscaledTargets([o]).some((t) => key(t) === key(target)));
    if (rivals.length > 0)
      problems.push({ path: `VerticalPodAutoscaler/${vpa.metadata.name}: spec.updatePolicy.updateMode`, message: `is ${mode}, but ${rivals.map((r) => `${r.kind}/${r.metadata.name}`).join(', ')} scales ${target.kind}/${target.name} on CPU or memory; the two would fight (set updateMode: Off, or scale on another metric)` });
  }
  return problems;
}
