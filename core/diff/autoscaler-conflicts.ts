// Autoscalers that would fight each other over one workload: refused at render, before anything is applied.
import type { KubeObject } from '../kube/object.js';
import { splitApiVersion } from '../kube/object.js';
import type { AutoscaledTarget } from './ignore-rules.js';
import { autoscaledTargets } from './ignore-rules.js';
import { vpaControlledResources, vpaUpdateMode, VPA_UPDATING_MODES } from './vpa-resources.js';

/** The resources (`cpu`, `memory`) an HPA or ScaledObject scales on: the signals a VPA would change under it. */
function scaledOn(obj: KubeObject): Set<string> {
  const spec = (obj['spec'] ?? {}) as { metrics?: unknown; triggers?: unknown; targetCPUUtilizationPercentage?: unknown };
  const out = new Set<string>();
  if (obj.kind === 'HorizontalPodAutoscaler' && spec.targetCPUUtilizationPercentage !== undefined) out.add('cpu');
  const entries = (Array.isArray(spec.metrics) ? spec.metrics : Array.isArray(spec.triggers) ? spec.triggers : []) as Record<string, unknown>[];
  for (const entry of entries) {
    const name = obj.kind === 'ScaledObject' ? entry['type'] : ((entry['resource'] ?? entry['containerResource']) as { name?: unknown } | undefined)?.name;
    if (name === 'cpu' || name === 'memory') out.add(name);
  }
  return out;
}

/**
 * The autoscalers that would fight each other, each as the object and field to fix (`ScaledObject/orders:
 * spec.scaleTargetRef`) and why: two scalers (HPA, ScaledObject) on one workload, and a VPA that changes pods (any
 * mode but Off and Initial; the default is Recreate) controlling a resource that an HPA or ScaledObject scaling the
 * same workload scales on. A VPA left to memory beside an HPA on CPU is fine: a memory request does not move CPU
 * utilization (the split GKE's multidimensional pod autoscaling makes).
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
    const mode = vpaUpdateMode(vpa);
    if (!VPA_UPDATING_MODES.has(mode)) continue;
    const spec = (vpa['spec'] ?? {}) as { targetRef?: { kind?: unknown; name?: unknown } };
    const target = { kind: String(spec.targetRef?.kind), name: String(spec.targetRef?.name), ...(vpa.metadata.namespace !== undefined && { namespace: vpa.metadata.namespace }) };
    const controlled = vpaControlledResources(vpa);
    const rivals = objects.flatMap((o) => {
      const shared = [...scaledOn(o)].filter((resource) => controlled.has(resource));
      return shared.length > 0 && autoscaledTargets([o]).some((t) => key(t) === key(target)) ? [`${o.kind}/${o.metadata.name} (${shared.join(', ')})`] : [];
    });
    if (rivals.length > 0)
      problems.push({ path: `VerticalPodAutoscaler/${vpa.metadata.name}: spec.updatePolicy.updateMode`, message: `is ${mode}, but ${rivals.join(', ')} scales ${target.kind}/${target.name} on a resource this VPA controls; the two would fight (set updateMode: Off, leave that resource out of the containerPolicies' controlledResources, or scale on another metric)` });
  }
  return problems;
}
