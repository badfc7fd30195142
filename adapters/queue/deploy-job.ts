// The payload of a `deploy.<env>` job, and the "lane" that decides which jobs can supersede which.
import { z } from 'zod';
import type { DeployRequest } from '../../core/deploy/deploy-request.js';
import { buildRefSchema } from './build-job.js';
import { deployRequestSchema } from './deploy-request-schema.js';

/** A deploy job as stored in Redis. */
export const deployJobSchema = z.object({
  request: deployRequestSchema,
  /** The delivery's acceptance order (see PlanJob.sequence): within a lane, the highest one wins. */
  sequence: z.number().int().positive(),
  /** The images the environment runs from this commit's builds; the deploy waits until each is built. */
  builds: z.array(buildRefSchema).optional(),
});

/** One environment to bring to one commit, in acceptance order. */
export type DeployJob = z.infer<typeof deployJobSchema>;

/** The lane of an environment's own deployments (pushes): see {@link laneOf}. */
export const APPLY_LANE = 'apply';

/**
 * Requests in the same lane of an environment compete: a newer one makes an older one pointless. Requests in
 * different lanes share the environment's one-at-a-time queue but never supersede each other (a pull request's
 * dry-run must not cancel a push's deployment):
 * - `apply`: deployments of the environment itself (pushes);
 * - `diff-pr-<n>` / `diff`: dry-run diffs for pull request n (or made by hand);
 * - `preview-<namespace>`: a pull request's preview deployment.
 */
export function laneOf(request: DeployRequest): string {
  if (request.mode === 'dry-run') return request.trigger.kind === 'pull_request' ? `diff-pr-${request.trigger.number}` : 'diff';
  return request.target.kind === 'preview' ? previewLane(request.target.namespace) : APPLY_LANE;
}

/** The lane of a preview's deployments: `preview-<namespace>`. */
export function previewLane(namespace: string): string {
  return `preview-${namespace}`;
}

/**
 * The job id: `<lane>.<sequence>`. Deterministic, so a retried plan job adds nothing twice; it carries the sequence
 * rather than the commit, so pushing an older commit again (a revert by force-push) is a new deployment and not a
 * duplicate of a finished one; and knowing a lane's newest sequence is enough to look its job up.
 */
export function deployJobId(lane: string, sequence: number): string {
  return `${lane}.${sequence}`;
}
