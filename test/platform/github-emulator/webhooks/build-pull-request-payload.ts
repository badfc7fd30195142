import {
  literal,
  replaceInStrings,
  retargetRepository,
  retargetUser,
  setInstallation,
  stableId,
  type WebhookRepository,
} from './retarget.js';
import { cloneExample, type WebhookPayload } from './webhook-examples.js';

/** The `pull_request` actions a test may ask for: every action GitHub documents for the event. */
export type PullRequestAction =
  | 'assigned'
  | 'auto_merge_disabled'
  | 'auto_merge_enabled'
  | 'closed'
  | 'converted_to_draft'
  | 'dequeued'
  | 'edited'
  | 'enqueued'
  | 'labeled'
  | 'locked'
  | 'milestoned'
  | 'opened'
  | 'ready_for_review'
  | 'reopened'
  | 'review_request_removed'
  | 'review_requested'
  | 'synchronize'
  | 'unassigned'
  | 'unlabeled'
  | 'unlocked'
  | 'demilestoned';

/** What to put into a `pull_request` payload. */
export interface PullRequestPayloadOptions {
  readonly repository: WebhookRepository;
  readonly action: PullRequestAction;
  readonly number: number;
  readonly head: { readonly ref: string; readonly sha: string };
  readonly base: { readonly ref: string; readonly sha: string };
  /** Defaults to `closed` for a `closed` action, else `open`. */
  readonly state?: 'open' | 'closed';
  /** Only meaningful when closed; defaults to false. */
  readonly merged?: boolean;
  readonly title?: string;
  /** For `synchronize`: the head before the push. */
  readonly before?: string;
  /** The PR author and sender; defaults to the repository owner. */
  readonly sender?: string;
  readonly installationId?: number;
}

/**
 * A `pull_request` payload from the real example of the same action (falling back to `opened`'s, relabelled),
 * retargeted to the repository, number, head, base and state asked for.
 */
export function buildPullRequestPayload(options: PullRequestPayloadOptions): WebhookPayload {
  const matching = cloneExample('pull_request', (example) => example['action'] === options.action);
  const payload =
    matching['action'] === options.action ? matching : cloneExample('pull_request', (e) => e['action'] === 'opened');
  const pull = payload['pull_request'] as Record<string, unknown>;
  const oldNumber = Number(pull['number']);
  const oldHead = pull['head'] as Record<string, unknown>;
  const oldBase = pull['base'] as Record<string, unknown>;
  const sender = options.sender ?? options.repository.owner;
  const oldFullName = String((payload['repository'] as Record<string, unknown>)['full_name']);

  // Names, numbers and shas are baked into the example's URLs (`/pulls/2`, `/statuses/<sha>`): rewrite them first.
  replaceInStrings(payload, [
    [literal(oldFullName), `${options.repository.owner}/${options.repository.name}`],
    [new RegExp(`/(pulls|pull|issues)/${oldNumber}(?=$|[^0-9])`, 'g'), `/$1/${options.number}`],
    [literal(String(oldHead['sha'])), options.head.sha],
    [literal(String(oldBase['sha'])), options.base.sha],
  ]);
  for (const repository of [payload['repository'], oldHead['repo'], oldBase['repo']])
    retargetRepository(repository, options.repository);
  for (const user of [payload['sender'], pull['user'], oldHead['user'], oldBase['user']]) retargetUser(user, sender);
  delete payload['organization'];
  setInstallation(payload, options.installationId);

  const state = options.state ?? (options.action === 'closed' ? 'closed' : 'open');
  const merged = state === 'closed' && (options.merged ?? false);
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const owner = options.repository.owner;
  Object.assign(oldHead, { ref: options.head.ref, sha: options.head.sha, label: `${owner}:${options.head.ref}` });
  Object.assign(oldBase, { ref: options.base.ref, sha: options.base.sha, label: `${owner}:${options.base.ref}` });
  const id = stableId(`pull:${options.repository.owner}/${options.repository.name}#${options.number}`);
  Object.assign(pull, {
    id,
    node_id: Buffer.from(`011:PullRequest${id}`).toString('base64'),
    number: options.number,
    title: options.title ?? pull['title'],
    state,
    merged,
    merged_at: merged ? now : null,
    closed_at: state === 'closed' ? now : null,
    merge_commit_sha: merged ? options.head.sha : pull['merge_commit_sha'],
    merged_by: merged ? structuredClone(payload['sender']) : null,
    // Required by GitHub's current schema, absent from the older examples.
    auto_merge: pull['auto_merge'] ?? null,
  });
  payload['action'] = options.action;
  payload['number'] = options.number;
  if (options.action === 'synchronize') {
    payload['before'] = options.before ?? options.base.sha;
    payload['after'] = options.head.sha;
  } else {
    delete payload['before'];
    delete payload['after'];
  }
  return payload;
}
