// The plan queue's payload: a webhook delivery cut down to the fields core's event mapper reads (and the
// installation id the GitHub App reporter needs), kept in GitHub's own shape so the planner hands it to
// `mapGitHubEvent` unchanged. A push payload is 5-30 kB, mostly commits and user profiles; what is kept is ~500 bytes.
import { z } from 'zod';
import type { GitHubDelivery } from '../../core/deploy/map-github-event.js';

const sha = z.string().regex(/^[0-9a-f]{40}$/, { error: 'must be a 40-digit lowercase hex commit id' });
const repository = z.object({ full_name: z.string().min(1), clone_url: z.string().min(1) });
/** Present when the hook belongs to a GitHub App: the reporter authenticates as that installation. */
const installation = z.object({ id: z.number().int().positive() }).optional();

const pushFields = z.object({
  ref: z.string().min(1),
  before: sha,
  after: sha,
  deleted: z.boolean().optional(),
  repository,
  installation,
});

const branchTip = z.object({
  ref: z.string().min(1),
  sha,
  repo: z.object({ full_name: z.string() }).nullable(),
});

const pullRequestFields = z.object({
  action: z.string().min(1),
  number: z.number().int().positive(),
  pull_request: z.object({
    head: branchTip,
    base: branchTip,
    merged: z.boolean().nullable().optional(),
    /** Label names only: a fork's preview depends on env.yaml's `preview.forkLabel` being among them. */
    labels: z.array(z.object({ name: z.string() })).optional(),
  }),
  /** The label a `labeled` action added. */
  label: z.object({ name: z.string() }).optional(),
  repository,
  installation,
});

const common = {
  /** `X-GitHub-Delivery`, also the job id. */
  deliveryId: z.string().min(1),
  /** When the webhook received it, ISO 8601. */
  receivedAt: z.iso.datetime(),
  /** Acceptance order across every webhook replica (a Redis counter): "latest wins" compares these. */
  sequence: z.number().int().positive(),
};

/** A plan job as stored in Redis; parsing strips every field the pipeline does not read. */
export const planJobSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('push'), ...common, payload: pushFields }),
  z.object({ event: z.literal('pull_request'), ...common, payload: pullRequestFields }),
]);

/** One accepted delivery, waiting for the planner. */
export type PlanJob = z.infer<typeof planJobSchema>;

/** The events the webhook hands to the planner. */
export type PlannedEvent = PlanJob['event'];

/** True for the events that become plan jobs. */
export function isPlannedEvent(event: string): event is PlannedEvent {
  return event === 'push' || event === 'pull_request';
}

/**
 * The plan job for a verified delivery of a {@link PlannedEvent}.
 *
 * @throws z.ZodError when the payload lacks a field the planner reads (the webhook checks with core's mapper first)
 */
export function toPlanJob(delivery: GitHubDelivery, sequence: number): PlanJob {
  return planJobSchema.parse({
    event: delivery.event,
    deliveryId: delivery.deliveryId,
    receivedAt: delivery.receivedAt,
    sequence,
    payload: delivery.payload,
  });
}

/** The delivery a plan job stands for, ready for core's `mapGitHubEvent`. */
export function planJobDelivery(job: PlanJob): GitHubDelivery {
  return { event: job.event, deliveryId: job.deliveryId, payload: job.payload, receivedAt: job.receivedAt };
}
