import { DeployError } from '../../../core/deploy-error.js';
import type { KubeObject } from '../../../core/kube/object.js';
import { refKey, refOf, splitApiVersion } from '../../../core/kube/object.js';
import type { ClusterError } from '../../../core/ports/cluster-error.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyDefinitions, ESTABLISH_TIMEOUT_MS } from './apply-definitions.js';

export interface ValidateOptions {
  readonly fieldManager: string;
  /** `dry-run` never applies anything, not even the definitions other objects need (see below). */
  readonly mode: 'apply' | 'dry-run';
  readonly signal: AbortSignal;
}

/** The apiserver's dry-run answer for each object that has one, by `refKey(refOf(object))`. */
export type DryRunObjects = Map<string, KubeObject>;

/** What validation found, and what it had to apply to find it. */
export interface Validation {
  readonly dryRun: DryRunObjects;
  /** Definitions applied before the rest could be validated, as they were before (undefined: absent), by refKey. */
  readonly appliedEarly: ReadonlyMap<string, KubeObject | undefined>;
}

/**
 * Step 4: a server-side dry-run of every object (validation, defaulting, admission, nothing stored). One rejection
 * and nothing is applied.
 *
 * Namespaces and CRDs first: an object whose Namespace or CustomResourceDefinition this same render creates cannot
 * pass a dry-run before they exist. When that is the only reason for a rejection, and every other object is valid,
 * those definitions are applied (and CRDs awaited until Established), then the waiting objects are dry-run again,
 * as Flux does. In `dry-run` mode they are left without a dry-run answer instead (the diff shows them created).
 *
 * Established is read from storage, but the apiserver serves a new kind only once its own CRD informer and discovery
 * have caught up, a moment later; until then it answers 404. So while the waiting objects are refused only because
 * their kind or Namespace is not served yet, they are dry-run again, within the same time a CRD is given to be
 * Established.
 *
 * @throws DeployError (the rejection's reason, usually ValidationFailed; terminal) naming each rejected object and
 *   the server's message
 * @throws ClusterError (retryable) when the apiserver could not answer
 */
export async function validateObjects(
  objects: readonly KubeObject[],
  cluster: Cluster,
  options: ValidateOptions,
): Promise<Validation> {
  const { fieldManager, signal } = options;
  const dryRun: DryRunObjects = new Map();
  const first = await dryRunInto(dryRun, objects, cluster, options);
  const waiting = first.filter(({ object, error }) => awaitsDefinition(error, object, objects));
  const rejected = first.filter((rejection) => !waiting.includes(rejection));
  if (rejected.length > 0) throw validationError(rejected, objects.length, '');
  if (waiting.length === 0 || options.mode === 'dry-run') return { dryRun, appliedEarly: new Map() };
  const appliedEarly = await applyDefinitions(objects, cluster, { fieldManager, signal });
  const deadline = Date.now() + ESTABLISH_TIMEOUT_MS;
  let pending = waiting.map(({ object }) => object);
  for (let delayMs = 50; ; delayMs = Math.min(1_000, delayMs * 2)) {
    const again = await dryRunInto(dryRun, pending, cluster, options);
    if (again.length === 0) break;
    const unserved = again.filter(({ object, error }) => awaitsDefinition(error, object, objects));
    const refused = again.filter((rejection) => !unserved.includes(rejection));
    if (refused.length > 0 || Date.now() + delayMs > deadline)
      throw validationError(
        [...refused, ...unserved],
        objects.length,
        ' (after the Namespaces and CustomResourceDefinitions it renders were applied)',
      );
    pending = unserved.map(({ object }) => object);
    await sleep(delayMs, undefined, { signal });
  }
  return { dryRun, appliedEarly };
}

interface Rejection {
  readonly object: KubeObject;
  readonly error: ClusterError;
}

/** Dry-runs `objects`, adding the valid ones to `into`; returns the rejections. Transient errors are thrown. */
async function dryRunInto(
  into: DryRunObjects,
  objects: readonly KubeObject[],
  cluster: Cluster,
  options: ValidateOptions,
): Promise<Rejection[]> {
  const results = await cluster.dryRunApply(objects, {
    fieldManager: options.fieldManager,
    force: true,
    signal: options.signal,
  });
  const rejections: Rejection[] = [];
  results.forEach((result, index) => {
    const object = objects[index];
    if (object === undefined) return;
    if (result.outcome === 'valid') into.set(refKey(refOf(object)), result.object);
    else if (result.error.retryable) throw result.error;
    else rejections.push({ object, error: result.error });
  });
  return rejections;
}

/** True when the object is rejected only because a Namespace or CRD that this render creates does not exist yet. */
function awaitsDefinition(error: ClusterError, object: KubeObject, all: readonly KubeObject[]): boolean {
  if (error.code === 'NamespaceNotFound') {
    return all.some(
      (other) =>
        other.kind === 'Namespace' && other.apiVersion === 'v1' && other.metadata.name === object.metadata.namespace,
    );
  }
  if (error.code !== 'KindNotFound') return false;
  const { group } = splitApiVersion(object.apiVersion);
  return all.some((other) => {
    if (other.kind !== 'CustomResourceDefinition') return false;
    const spec = other['spec'] as { group?: unknown; names?: { kind?: unknown } } | undefined;
    return spec?.group === group && spec.names?.kind === object.kind;
  });
}

const LISTED = 5;

function validationError(rejections: readonly Rejection[], total: number, when: string): DeployError {
  const [first] = rejections;
  const listed = rejections.slice(0, LISTED).map(({ error }) => error.message);
  const more = rejections.length > LISTED ? `; and ${rejections.length - LISTED} more` : '';
  const count = `${rejections.length} of ${total} object${total === 1 ? '' : 's'} failed validation${when}, so nothing was applied`;
  const reason = first?.error.reason ?? 'ValidationFailed';
  return new DeployError(reason, `${count}: ${listed.join('; ')}${more}`, { cause: first?.error });
}
