// core's DeployRequest is plain data; this schema checks it when it comes back out of Redis (never trust a store
// that other processes and people can write). Typed against core's interface so the two cannot drift apart.
import { z } from 'zod';
import type { DeployRequest } from '../../core/deploy/deploy-request.js';

const sha = z.string().regex(/^[0-9a-f]{40}$/, { error: 'must be a 40-digit lowercase hex commit id' });

const trigger = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('push') }),
  z.object({
    kind: z.literal('pull_request'),
    number: z.number().int().positive(),
    headSha: sha,
    baseRef: z.string().min(1),
    headRef: z.string().min(1),
    fromFork: z.boolean(),
  }),
]);

const target = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('environment') }),
  z.object({ kind: z.literal('preview'), namespace: z.string().min(1) }),
]);

/** A {@link DeployRequest} read back from a queue. */
export const deployRequestSchema: z.ZodType<DeployRequest> = z.object({
  deliveryId: z.string().min(1),
  repo: z.object({ owner: z.string().min(1), name: z.string().min(1), cloneUrl: z.string().min(1) }),
  ref: z.string().min(1),
  sha,
  before: sha,
  trigger,
  environment: z.string().min(1),
  mode: z.enum(['apply', 'dry-run']),
  target,
  requestedAt: z.iso.datetime(),
  previewWithheld: z.object({ reason: z.literal('fork'), forkLabel: z.string().min(1).optional() }).optional(),
});
