import type { KubeObject } from '../kube/object.js';
import { splitApiVersion } from '../kube/object.js';
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

/** Kinds whose autoscaler owns a target's `/spec/replicas`, and how to read the target. */
const AUTOSCALERS: Readonly<Record<string, (obj: KubeObject) => { kind?: unknown; name?: unknown } | undefined>> = {
  'autoscaling/HorizontalPodAutoscaler': (obj) => (obj['spec'] as { scaleTargetRef?: { kind?: unknown; name?: unknown } } | undefined)?.scaleTargetRef,
  // KEDA defaults the target kind to Deployment.
  'keda.sh/ScaledObject': (obj) => {
    const target = (obj['spec'] as { scaleTargetRef?: { kind?: unknown; name?: unknown } } | undefined)?.scaleTargetRef;
    return target && { kind: target.kind ?? 'Deployment', name: target.name };
  },
};

/**
 * One rule per rendered autoscaler (HPA, KEDA ScaledObject) leaving its target's `/spec/replicas` to it, so a
 * deploy neither resets a scaled-out Deployment nor reports the autoscaler's choice as drift.
 */
export function autoscalerIgnoreRules(objects: readonly KubeObject[]): IgnoreRule[] {
  return objects.flatMap((obj) => {
    const target = AUTOSCALERS[`${splitApiVersion(obj.apiVersion).group}/${obj.kind}`]?.(obj);
    if (typeof target?.kind !== 'string' || typeof target.name !== 'string') return [];
    return [{ kind: target.kind, name: target.name, namespace: obj.metadata.namespace, pointers: ['/spec/replicas'] }];
  });
}
