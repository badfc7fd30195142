import { createHash } from 'node:crypto';
import { retargetRepository, retargetUser, setInstallation, type WebhookRepository } from './retarget.js';
import { cloneExample, type WebhookPayload } from './webhook-examples.js';

/** Git's name for "no commit": `before` of a created ref, `after` of a deleted one. */
export const ZERO_SHA = '0000000000000000000000000000000000000000';

/** One commit of a push, as a test describes it. */
export interface PushCommit {
  readonly id: string;
  readonly message?: string;
  readonly author?: { readonly name: string; readonly email: string; readonly username?: string };
  readonly timestamp?: string;
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
  readonly modified?: readonly string[];
  /** Defaults to a stable stand-in derived from `id`: the emulator has no git trees. */
  readonly treeId?: string;
}

/** What to put into a `push` payload. */
export interface PushPayloadOptions {
  readonly repository: WebhookRepository;
  /** Full ref, e.g. `refs/heads/main` or `refs/tags/v1`. */
  readonly ref: string;
  readonly before: string;
  readonly after: string;
  /** Oldest first, as GitHub lists them. Defaults to one commit `after` (none when the ref was deleted). */
  readonly commits?: readonly PushCommit[];
  readonly forced?: boolean;
  /** The login that pushed; defaults to the repository owner. */
  readonly sender?: string;
  /** Adds `installation: { id }`, as GitHub does for deliveries to a GitHub App. */
  readonly installationId?: number;
}

/**
 * A `push` payload built from a real example (a branch push with commits, a tag push, or a deletion, whichever
 * is closest), retargeted to the repository, ref and commits asked for.
 */
export function buildPushPayload(options: PushPayloadOptions): WebhookPayload {
  const created = options.before === ZERO_SHA;
  const deleted = options.after === ZERO_SHA;
  const isTag = options.ref.startsWith('refs/tags/');
  const payload = cloneExample('push', (example) => {
    const commits = example['commits'] as unknown[];
    if (deleted) return example['deleted'] === true;
    return String(example['ref']).startsWith(isTag ? 'refs/tags/' : 'refs/heads/') && (isTag || commits.length > 0);
  });
  const template = (payload['head_commit'] ?? (payload['commits'] as unknown[])[0]) as Record<string, unknown> | null;

  retargetRepository(payload['repository'], options.repository);
  const fullName = `${options.repository.owner}/${options.repository.name}`;
  const sender = options.sender ?? options.repository.owner;
  retargetUser(payload['sender'], sender);
  payload['pusher'] = { name: sender, email: `${sender}@users.noreply.github.com` };
  delete payload['organization'];
  setInstallation(payload, options.installationId);

  const commits = deleted
    ? []
    : (options.commits ?? [{ id: options.after }]).map((c) => buildCommit(template, fullName, c));
  const html = `https://github.com/${fullName}`;
  Object.assign(payload, {
    ref: options.ref,
    before: options.before,
    after: options.after,
    created,
    deleted,
    forced: options.forced ?? false,
    base_ref: null,
    compare: created
      ? `${html}/commit/${options.after.slice(0, 12)}`
      : `${html}/compare/${options.before.slice(0, 12)}...${options.after.slice(0, 12)}`,
    commits,
    head_commit: commits.at(-1) ?? null,
  });
  return payload;
}

function buildCommit(
  template: Record<string, unknown> | null,
  fullName: string,
  commit: PushCommit,
): Record<string, unknown> {
  const base = structuredClone(template ?? {});
  const author = commit.author ?? { name: 'Gantry Test', email: 'gantry-test@example.com', username: 'gantry-test' };
  const person = {
    name: author.name,
    email: author.email,
    ...(author.username === undefined ? {} : { username: author.username }),
  };
  return {
    ...base,
    id: commit.id,
    tree_id: commit.treeId ?? createHash('sha1').update(`tree:${commit.id}`).digest('hex'),
    distinct: true,
    message: commit.message ?? `Commit ${commit.id.slice(0, 7)}`,
    timestamp: commit.timestamp ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    url: `https://github.com/${fullName}/commit/${commit.id}`,
    author: person,
    committer: person,
    added: [...(commit.added ?? [])],
    removed: [...(commit.removed ?? [])],
    modified: [...(commit.modified ?? [])],
  };
}
