// The parts of GitHub's webhook payloads the pipeline reads, and nothing more: a payload passes as long as these
// fields are there and well-formed, so GitHub adding fields never breaks the webhook.
import { z } from 'zod';

const sha = z.string().regex(/^[0-9a-f]{40}$/, { error: 'must be a 40-digit lowercase hex commit id' });

const repository = z.looseObject({
  /** `owner/name`; split rather than read from `owner`, whose shape differs between push and other events. */
  full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/, { error: 'must be owner/name' }),
  clone_url: z.string().min(1),
});

export const pushPayload = z.looseObject({
  ref: z.string().min(1),
  before: sha,
  after: sha,
  /** Absent in some older GitHub Enterprise payloads; a zero `after` says the same. */
  deleted: z.boolean().optional(),
  repository,
});
export type PushPayload = z.infer<typeof pushPayload>;

const branchTip = z.looseObject({
  ref: z.string().min(1),
  sha,
  /** Null when the fork the pull request came from has been deleted. */
  repo: z.looseObject({ full_name: z.string() }).nullable(),
});

export const pullRequestPayload = z.looseObject({
  action: z.string().min(1),
  number: z.number().int().positive(),
  pull_request: z.looseObject({
    head: branchTip,
    base: branchTip,
    /** The labels it carries now: a maintainer's label lets a fork's pull request have a preview (env.yaml `preview.forkLabel`). */
    labels: z.array(z.looseObject({ name: z.string() })).default([]),
  }),
  /** The label just added or removed, for `labeled` and `unlabeled`. */
  label: z.looseObject({ name: z.string() }).optional(),
  repository,
});
export type PullRequestPayload = z.infer<typeof pullRequestPayload>;

/** Summarizes the first few issues of a failed parse as `path: message`, for a 400 answer and a log line. */
export function describeIssues(error: z.ZodError, limit = 3): string {
  const issues = error.issues.slice(0, limit).map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`);
  const more = error.issues.length > limit ? ` (and ${error.issues.length - limit} more)` : '';
  return issues.join('; ') + more;
}
