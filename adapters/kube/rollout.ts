// What the rollout watcher reads to judge a workload: the object, and the ReplicaSets and pods it owns.
import type { KubeObject, ObjectRef } from '../../core/kube/object.js';
import type { CallOptions, RolloutSnapshot } from '../../core/ports/cluster.js';
import type { ErrorContext } from './errors.js';
import { getObject, listObjects } from './read.js';
import type { KubeClient } from './request.js';
import { guard } from './request.js';

interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/**
 * Reads the workload, then (in parallel) the ReplicaSets and pods its selector matches, keeping only those it
 * owns: selectors can overlap between workloads, owner references cannot. A Deployment owns ReplicaSets, which own
 * the pods; any other workload with a selector (StatefulSet, DaemonSet, ReplicaSet, Job) owns its pods directly.
 */
export async function readRollout(kube: KubeClient, ref: ObjectRef, options: CallOptions = {}): Promise<RolloutSnapshot> {
  const ctx: ErrorContext = { operation: 'read-rollout', ref };
  return guard(ctx, options.signal, async () => {
    const workload = await getObject(kube, ref, options);
    const selector = (workload?.spec as { selector?: LabelSelector } | undefined)?.selector;
    if (!workload || !selector) return { workload, replicaSets: [], pods: [] };
    const scope = { namespace: workload.metadata.namespace, labelSelector: formatSelector(selector) };
    const isDeployment = ref.kind === 'Deployment';
    const [replicaSets, pods] = await Promise.all([
      isDeployment ? listObjects(kube, { apiVersion: 'apps/v1', kind: 'ReplicaSet', ...scope }, options) : [],
      listObjects(kube, { apiVersion: 'v1', kind: 'Pod', ...scope }, options),
    ]);
    const owned = replicaSets.filter((rs) => ownedBy(rs, uidOf(workload))).sort((a, b) => revisionOf(b) - revisionOf(a));
    const podOwners = new Set(isDeployment ? owned.map(uidOf) : [uidOf(workload)]);
    return { workload, replicaSets: owned, pods: pods.filter((pod) => ownerUids(pod).some((uid) => podOwners.has(uid))) };
  });
}

/** A label selector in the query syntax: `app=api,tier in (web,edge),!legacy`. */
export function formatSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = `(${(e.values ?? []).join(',')})`;
    if (e.operator === 'In') parts.push(`${e.key} in ${values}`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin ${values}`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

function uidOf(obj: KubeObject): string | undefined {
  return typeof obj.metadata.uid === 'string' ? obj.metadata.uid : undefined;
}

function ownerUids(obj: KubeObject): string[] {
  const owners = obj.metadata.ownerReferences;
  return Array.isArray(owners) ? owners.map((o: { uid?: unknown }) => o.uid).filter((uid): uid is string => typeof uid === 'string') : [];
}

function ownedBy(obj: KubeObject, uid: string | undefined): boolean {
  return uid !== undefined && ownerUids(obj).includes(uid);
}

/** The Deployment controller numbers each ReplicaSet's revision in this annotation. */
function revisionOf(rs: KubeObject): number {
  const revision = Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision']);
  return Number.isFinite(revision) ? revision : 0;
}
