import { createHash } from 'node:crypto';

/** The repository a webhook is about, as a test names it. */
export interface WebhookRepository {
  readonly owner: string;
  readonly name: string;
  /** Defaults to a stable number derived from `owner/name`. */
  readonly id?: number;
  /** Where the pipeline will fetch from; defaults to GitHub's `https://github.com/<owner>/<name>.git`. */
  readonly cloneUrl?: string;
  /** Defaults to `main`. */
  readonly defaultBranch?: string;
  readonly private?: boolean;
}

/** Replaces substrings in every string of a JSON tree, in place. URLs in examples embed names, numbers and shas. */
export function replaceInStrings(node: unknown, replacements: ReadonlyArray<readonly [RegExp, string]>): unknown {
  if (typeof node === 'string')
    return replacements.reduce((text, [pattern, value]) => text.replace(pattern, value), node);
  if (Array.isArray(node)) {
    node.forEach((item, index) => {
      node[index] = replaceInStrings(item, replacements);
    });
  } else if (node !== null && typeof node === 'object') {
    const object = node as Record<string, unknown>;
    for (const key of Object.keys(object)) object[key] = replaceInStrings(object[key], replacements);
  }
  return node;
}

/** A regexp matching `text` literally, everywhere. */
export function literal(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g');
}

/** A stable positive id for a name, so the same repository keeps its id across payloads. */
export function stableId(name: string): number {
  return createHash('sha256').update(name.toLowerCase()).digest().readUInt32BE(0) % 1_000_000_000;
}

/**
 * Points an example's user object at `login`: login, id, node id and every URL. Examples give users a `name`
 * and `email` in push payloads; those follow too.
 */
export function retargetUser(user: unknown, login: string): void {
  if (user === null || typeof user !== 'object') return;
  const object = user as Record<string, unknown>;
  const oldLogin = typeof object['login'] === 'string' ? object['login'] : undefined;
  if (oldLogin !== undefined)
    replaceInStrings(object, [[new RegExp(`/${escape(oldLogin)}(?=$|[/?{])`, 'g'), `/${login}`]]);
  const id = stableId(`user:${login}`);
  object['login'] = login;
  object['id'] = id;
  object['node_id'] = Buffer.from(`04:User${id}`).toString('base64');
  if ('name' in object) object['name'] = login;
  if ('email' in object) object['email'] = `${login}@users.noreply.github.com`;
}

/** Points an example's repository object at `target`, in place. */
export function retargetRepository(repository: unknown, target: WebhookRepository): void {
  if (repository === null || typeof repository !== 'object') return;
  const object = repository as Record<string, unknown>;
  const oldFullName = String(object['full_name']);
  const fullName = `${target.owner}/${target.name}`;
  replaceInStrings(object, [[literal(oldFullName), fullName]]);
  retargetUser(object['owner'], target.owner);
  const id = target.id ?? stableId(fullName);
  const defaultBranch = target.defaultBranch ?? 'main';
  Object.assign(object, {
    id,
    node_id: Buffer.from(`010:Repository${id}`).toString('base64'),
    name: target.name,
    full_name: fullName,
    private: target.private ?? false,
    visibility: target.private === true ? 'private' : 'public',
    default_branch: defaultBranch,
    clone_url: target.cloneUrl ?? `https://github.com/${fullName}.git`,
  });
  if ('master_branch' in object) object['master_branch'] = defaultBranch;
  // Fields GitHub added after the examples were captured; its current webhook schemas require them.
  object['has_discussions'] ??= false;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Sets or removes `installation`, which GitHub includes only for GitHub App deliveries. */
export function setInstallation(payload: Record<string, unknown>, installationId: number | undefined): void {
  if (installationId === undefined) delete payload['installation'];
  else
    payload['installation'] = {
      id: installationId,
      node_id: Buffer.from(`035:IntegrationInstallation${installationId}`).toString('base64'),
    };
}
