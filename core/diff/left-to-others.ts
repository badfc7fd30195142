// The owned fields a render leaves to someone else, as the in-sync memo takes them (InSyncMemo.leaveToOthers): an
// autoscaler's `spec.replicas`, a VPA's container resources. Their values moving, or their owner changing, is
// never drift.
import type { KubeObject } from '../kube/object.js';
import { autoscaledReplicasPaths } from './ignore-rules.js';
import { vpaManagedPaths } from './vpa-resources.js';

/** Per workload (by refKey), the readable paths left to its autoscalers. */
export function fieldsLeftToOthers(objects: readonly KubeObject[]): Map<string, string[]> {
  const left = new Map<string, string[]>();
  for (const paths of [autoscaledReplicasPaths(objects), vpaManagedPaths(objects)])
    for (const [key, list] of paths) left.set(key, [...(left.get(key) ?? []), ...list]);
  return left;
}
