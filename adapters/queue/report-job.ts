// The payload of a `report` job: one thing to tell GitHub about one deploy request.
import { z } from 'zod';
import type { Reason } from '../../core/reasons.js';
import { isReason } from '../../core/reasons.js';
import { deployRequestSchema } from './deploy-request-schema.js';

/**
 * What happened, in commit-status words plus `running` (the deploy job started: still `pending` as a commit status)
 * and `superseded` (a newer commit took this one's place).
 */
export type ReportState = 'pending' | 'running' | 'success' | 'failure' | 'error' | 'superseded';

const reason = z.custom<Reason>(isReason, { error: 'must be one of core/reasons.ts' });
const sha = z.string().regex(/^[0-9a-f]{40}$/);

/** A report job as stored in Redis. */
export const reportJobSchema = z.object({
  request: deployRequestSchema,
  sequence: z.number().int().positive(),
  state: z.enum(['pending', 'running', 'success', 'failure', 'error', 'superseded']),
  reason: reason.optional(),
  /** One line, for the commit status (GitHub cuts it at 140 characters). */
  description: z.string(),
  /** Markdown for the check run, when there is more to say. */
  summary: z.string().optional(),
  /** Where the deployed target answers (a preview's first Service, in-cluster): the Deployment's `environment_url`. */
  environmentUrl: z.string().optional(),
  /**
   * For a `running` report that shows progress (a canary's steps): what tells it from the other progress reports of
   * the same run, so each is its own job, and the same progress enqueued twice is still one. Letters and digits.
   */
  update: z.string().regex(/^[0-9a-z]+$/).optional(),
  /**
   * A preview's in-cluster URLs, the cluster-scoped objects it left out (`Kind/name`), the env.yaml fields the pull
   * request changes that its preview did not use, and why it failed (the status line is cut at 140 characters), for
   * the pull request comment.
   */
  preview: z
    .object({
      urls: z.array(z.string()),
      skipped: z.array(z.string()),
      ignoredConfig: z.array(z.string()).optional(),
      failure: z.object({ reason: z.string(), message: z.string() }).optional(),
    })
    .optional(),
  /** For `superseded`: the request that took its place (its commit, unless its job is already gone). */
  supersededBy: z.object({ sequence: z.number().int().positive(), sha: sha.optional() }).optional(),
});

/** One report to make. */
export type ReportJob = z.infer<typeof reportJobSchema>;

/**
 * Report requests for the same request, sequence, state (and progress `update`) are one job: a retried deploy
 * reports once.
 */
export function reportJobId(report: Pick<ReportJob, 'request' | 'sequence' | 'state' | 'update'>, lane: string): string {
  const id = `${report.request.environment}.${lane}.${report.sequence}.${report.state}`;
  return report.update === undefined ? id : `${id}.${report.update}`;
}
