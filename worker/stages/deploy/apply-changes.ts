import type { Stage } from '../../../core/apply/apply-order.js';
import { DeployError } from '../../../core/deploy-error.js';
import type { KubeObject } from '../../../core/kube/object.js';
import type { ClusterError } from '../../../core/ports/cluster-error.js';
import type { Cluster } from '../../../core/ports/cluster.js';

export interface ApplyCallOptions {
  readonly fieldManager: string;
  readonly signal: AbortSignal;
  /** Called with each object applied and the server's answer (what the live-state memo learns from). */
  readonly onApplied?: (desired: KubeObject, applied: KubeObject) => void;
}

/**
 * Step 7: server-side applies the stages in order, each as one batch (the adapter bounds the parallelism within
 * it), starting at stage `from` (a resumed run skips the stages an earlier run finished; re-applying the stage it
 * was in is harmless, SSA being idempotent). `onStageDone(n)` runs after stage n-1 is done, before stage n starts.
 */
export async function applyStages(
  stages: readonly Stage<KubeObject>[],
  from: number,
  cluster: Cluster,
  options: ApplyCallOptions,
  onStageDone: (done: number) => Promise<void>,
): Promise<void> {
  for (let index = from; index < stages.length; index += 1) {
    const stage = stages[index];
    if (stage === undefined) continue;
    await applyObjects(stage.items, cluster, options);
    await onStageDone(index + 1);
  }
}

/**
 * Applies `objects` with force by default (Git is the source of truth: fields another manager took over are taken
 * back, as Flux does) and fails if any object fails.
 *
 * @throws DeployError (terminal) listing the objects the apiserver refused, when any refusal is terminal
 * @throws ClusterError (retryable) when every failure is transient, so the job is retried and resumes here
 */
export async function applyObjects(
  objects: readonly KubeObject[],
  cluster: Cluster,
  options: ApplyCallOptions,
  { force = true }: { force?: boolean } = {},
): Promise<void> {
  if (objects.length === 0) return;
  const results = await cluster.apply(objects, {
    fieldManager: options.fieldManager,
    force,
    signal: options.signal,
  });
  results.forEach((result, index) => {
    const desired = objects[index];
    if (result.outcome === 'applied' && desired !== undefined) options.onApplied?.(desired, result.object);
  });
  const errors = results.flatMap((result) => (result.outcome === 'failed' ? [result.error] : []));
  if (errors.length === 0) return;
  const terminal = errors.filter((error) => error.terminal);
  if (terminal.length === 0) throw errors[0];
  throw objectsFailed(terminal, objects.length, 'apply');
}

/** One error for several objects that failed the same operation, reasoned by the first; at most five listed. */
export function objectsFailed(errors: readonly ClusterError[], total: number, verb: string): DeployError {
  const [first] = errors;
  const listed = errors.slice(0, 5).map((error) => error.message);
  const more = errors.length > 5 ? `; and ${errors.length - 5} more` : '';
  return new DeployError(
    first?.reason ?? 'ApplyFailed',
    `${errors.length} of ${total} object${total === 1 ? '' : 's'} failed to ${verb}: ${listed.join('; ')}${more}`,
    { cause: first },
  );
}
