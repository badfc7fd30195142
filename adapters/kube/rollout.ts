// What the rollout watcher reads to judge a Deployment: the Deployment, the ReplicaSets it owns, their pods.
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
 * Reads the Deployment, then (in parallel) the ReplicaSets and pods its selector matches, keeping only those it
 * owns: selectors can overlap between Deployments, owner references cannot.
 */
export async function readRollout(kube: KubeClient, ref: ObjectRef, options: CallOptions = {}): Promise<RolloutSnapshot> {
  const ctx: ErrorContext = { operation: 'read-rollout', ref };
  return guard(ctx, options.signal, async () => {
    const deployment = await getObject(kube, ref, options);
    if (!deployment) return { deployment: undefined, replicaSets: [], pods: [] };
    const selector = formatSelector((deployment.spec as { selector?: LabelSelector } | undefined)?.selector ?? {});
    const scope = { namespace: deployment.metadata.namespace, labelSelector: selector };
    const [replicaSets, pods] = await Promise.all([
      listObjects(kube, { apiVersion: 'apps/v1', kind: 'ReplicaSet', ...scope }, options),
      listObjects(kube, { apiVersion: 'v1', kind: 'Pod', ...scope }, options),
    ]);
    const owned = replicaSets.filter((rs) => ownedBy(rs, uidOf(deployment))).sort((a, b) => revisionOf(b) - revisionOf(a));
    const rsUids = new Set(owned.map(uidOf));
    return { deployment, replicaSets: owned, pods: pods.filter((pod) => ownerUids(pod).some((uid) => rsUids.has(uid))) };
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
