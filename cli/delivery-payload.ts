// The smallest push and pull_request payloads the webhook and the planner accept: the fields
// core/deploy/github-event-payloads.ts reads, and nothing else. webhook/README.md documents the same shapes.
import {
  describeIssues,
  pullRequestPayload,
  pushPayload,
  type PullRequestPayload,
  type PushPayload,
} from '../core/deploy/github-event-payloads.js';

/** What a push delivery says: this repository's `ref` moved from `before` to `sha`. */
export interface PushFields {
  /** `owner/name`. */
  readonly repo: string;
  /** The full ref, `refs/heads/main`. */
  readonly ref: string;
  readonly sha: string;
  /** The previous tip; GitHub sends 40 zeros for a new branch. */
  readonly before: string;
  /** Where the worker fetches from. */
  readonly cloneUrl: string;
}

/** What a pull_request delivery says: pull request `number` from `ref` at `sha` into `baseRef` at `baseSha`. */
export interface PullRequestFields {
  readonly repo: string;
  readonly number: number;
  /** `opened`, `synchronize`, `reopened` deploy a preview; `closed` tears it down. */
  readonly action: string;
  /** The head branch, as GitHub names it in a pull request (`feature/x`, not `refs/heads/feature/x`). */
  readonly ref: string;
  readonly sha: string;
  readonly baseRef: string;
  readonly baseSha: string;
  /** The repository the head branch lives in; another one than `repo` makes it a fork's pull request. */
  readonly headRepo: string;
  readonly cloneUrl: string;
}

/** A payload the fields cannot make (a short sha, a repo that is not owner/name); the message names the field. */
export class DeliveryPayloadError extends Error {
  override readonly name = 'DeliveryPayloadError';
}

/** The minimal `push` payload, checked with the webhook's own schema. */
export function pushDeliveryPayload(fields: PushFields): PushPayload {
  return checked('push', pushPayload, {
    ref: fields.ref,
    before: fields.before,
    after: fields.sha,
    repository: { full_name: fields.repo, clone_url: fields.cloneUrl },
  });
}

/** The minimal `pull_request` payload, checked with the webhook's own schema. */
export function pullRequestDeliveryPayload(fields: PullRequestFields): PullRequestPayload {
  return checked('pull_request', pullRequestPayload, {
    action: fields.action,
    number: fields.number,
    pull_request: {
      head: { ref: fields.ref, sha: fields.sha, repo: { full_name: fields.headRepo } },
      base: { ref: fields.baseRef, sha: fields.baseSha, repo: { full_name: fields.repo } },
    },
    repository: { full_name: fields.repo, clone_url: fields.cloneUrl },
  });
}

function checked<T>(
  event: string,
  schema: {
    safeParse(
      value: unknown,
    ): { success: true; data: T } | { success: false; error: Parameters<typeof describeIssues>[0] };
  },
  payload: unknown,
): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new DeliveryPayloadError(`${event} payload: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
