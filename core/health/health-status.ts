import { z } from 'zod';
import type { KubeObject } from '../kube/object.js';
import { Reason } from '../reasons.js';

/**
 * How an object is doing, in the four words every report uses. `Healthy`: done. `Progressing`: keep waiting.
 * `Degraded`: failed; stop waiting and roll back. `Unknown`: the status cannot be read, or the object is missing.
 */
export type HealthState = 'Healthy' | 'Progressing' | 'Degraded' | 'Unknown';

/** One object's health: a state, a {@link Reason} constant, and a message a person can act on. */
export interface HealthStatus {
  readonly status: HealthState;
  readonly reason: Reason;
  readonly message: string;
}

/** Related objects some kinds need to judge their health: the pods (and ReplicaSets) a workload owns. */
export interface RelatedObjects {
  readonly pods?: readonly KubeObject[];
  readonly replicaSets?: readonly KubeObject[];
}

export const healthy = (reason: Reason, message: string): HealthStatus => ({ status: 'Healthy', reason, message });
export const progressing = (reason: Reason, message: string): HealthStatus => ({ status: 'Progressing', reason, message });
export const degraded = (reason: Reason, message: string): HealthStatus => ({ status: 'Degraded', reason, message });
export const unknown = (reason: Reason, message: string): HealthStatus => ({ status: 'Unknown', reason, message });

/** A status condition, as every kind writes them. */
export const conditionSchema = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});
export type Condition = z.infer<typeof conditionSchema>;

/** Status fields every workload writes; kinds extend it. */
export const conditionsSchema = z.array(conditionSchema).optional();

/** The condition of `type`, when present. */
export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}

/** `reason: message` of a condition, or whichever of the two it has. */
export function describeCondition(condition: Condition): string {
  return [condition.reason, condition.message].filter(Boolean).join(': ') || `${condition.type} is ${condition.status}`;
}

/**
 * Parses the parts of `obj` a kind's health rules read. An object whose status does not have the shape its kind
 * defines is `Unknown` rather than guessed at.
 */
export function readObject<S extends z.ZodType>(schema: S, obj: KubeObject): { ok: true; value: z.output<S> } | { ok: false; health: HealthStatus } {
  const parsed = schema.safeParse(obj);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue ? `${issue.path.join('.')}: ${issue.message}` : 'unreadable';
  return { ok: false, health: unknown(Reason.StatusUnreadable, `cannot read ${obj.kind} status (${where})`) };
}

/**
 * `Progressing` while the controller has not yet seen the latest spec: no status yet, or an `observedGeneration`
 * behind `metadata.generation`. Every other status field describes an older spec until then.
 */
export function notObserved(generation: number | undefined, status: { observedGeneration?: number | undefined } | undefined): HealthStatus | undefined {
  if (status === undefined) return progressing(Reason.NotObserved, 'waiting for the controller to report a status');
  const observed = status.observedGeneration;
  if (generation !== undefined && (observed === undefined || observed < generation)) {
    return progressing(Reason.NotObserved, `waiting for the controller to observe generation ${generation} (observed ${observed ?? 'none'})`);
  }
  return undefined;
}

/** Fields read from every object's metadata. */
export const metadataSchema = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  generation: z.number().int().optional(),
  uid: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** A count that the apiserver omits when it is zero. */
export const count = z.number().int().min(0).optional();
