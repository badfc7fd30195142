import { stageOf } from '../../../core/apply/apply-order.js';
import { DeployError } from '../../../core/deploy-error.js';
import type { KubeObject } from '../../../core/kube/object.js';
import { refKey, refOf } from '../../../core/kube/object.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import { applyObjects } from './apply-changes.js';
import { waitForHealth } from './wait-for-health.js';

/** How long a freshly applied CRD may take to be Established before the objects of its kind are validated. */
export const ESTABLISH_TIMEOUT_MS = 30_000;

/**
 * Applies the render's CustomResourceDefinitions and Namespaces (the `crds` and `namespaces` apply stages) and waits
 * until the CRDs are Established, so that objects of those kinds, in those namespaces, can be validated.
 *
 * @returns the definitions as they were before (undefined: absent) by refKey, so the diff can still say what this
 *   deploy changed
 * @throws DeployError when one cannot be applied or a CRD is not Established in time
 */
export async function applyDefinitions(
  objects: readonly KubeObject[],
  cluster: Cluster,
  options: { fieldManager: string; signal: AbortSignal },
): Promise<Map<string, KubeObject | undefined>> {
  const definitions = objects.filter((obj) => {
    const stage = stageOf(refOf(obj));
    return stage === 'crds' || stage === 'namespaces';
  });
  const live = await cluster.getMany(definitions.map(refOf), { signal: options.signal });
  const before = new Map(definitions.map((obj, index) => [refKey(refOf(obj)), live[index]]));
  for (const stage of ['crds', 'namespaces'] as const) {
    await applyObjects(
      definitions.filter((obj) => stageOf(refOf(obj)) === stage),
      cluster,
      options,
    );
  }
  const crds = definitions.filter((obj) => stageOf(refOf(obj)) === 'crds').map(refOf);
  if (crds.length === 0) return before;
  const { verdict, health } = await waitForHealth(crds, cluster, {
    timeoutMs: ESTABLISH_TIMEOUT_MS,
    polling: { initialMs: 100, maxMs: 1_000 },
    signal: options.signal,
    now: Date.now,
  });
  if (verdict.kind === 'failed')
    throw new DeployError(
      verdict.reason,
      `the CustomResourceDefinitions this render needs are not ready: ${health.message}`,
    );
  return before;
}
