// The periodic collector of previews: a missed `closed` webhook, a worker down when it came, or a pull request
// left open and idle must not leave a namespace running forever. It looks at every preview namespace the pipeline
// made (by label) and retires those whose pull request GitHub says is closed, and those past their
// `gantry.dev/expires-at` (the last deploy plus env.yaml's `preview.ttl`). A pull request GitHub answers 404 for
// (a deleted repository, or a token that lost access: the two look alike) is left to the ttl, so a permissions
// slip never wipes every preview at once.
import type { Logger } from 'pino';
import type { PullRequestState } from '../../adapters/github/index.js';
import {
  EXPIRES_AT_ANNOTATION,
  PREVIEW_OF_LABEL,
  PULL_REQUEST_LABEL,
  REPOSITORY_LABEL,
} from '../../core/deploy/preview.js';
import type { Cluster } from '../../core/ports/cluster.js';


export interface CollectDeps {
  /** Every cluster previews may run on (the worker's kubeconfig contexts). */
  readonly clusters: readonly Cluster[];
  readonly pullRequestState: (
    repo: { owner: string; repo: string },
    pullNumber: number,
    signal: AbortSignal,
  ) => Promise<PullRequestState>;
  /**
   * Retires one preview: the same teardown a `closed` webhook runs (worker/stages/teardown-preview.ts: namespace,
   * GitHub Deployments, pull request comment), so a missed webhook ends exactly as a delivered one.
   */
  readonly retire: (preview: CollectedPreview, cluster: Cluster) => Promise<void>;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/** One preview the collector retired, and why. */
export interface CollectedPreview {
  readonly namespace: string;
  readonly environment: string;
  readonly pullRequest: number;
  readonly repo: { readonly owner: string; readonly repo: string };
  readonly why: 'closed' | 'expired';
}

/**
 * One pass of the collector. A namespace whose labels are not the pipeline's (no repository annotation or pull
 * request number) is left alone and logged; a GitHub error for one preview is logged and the others go on (the
 * next pass tries again).
 */
export async function collectPreviews(
  deps: CollectDeps,
  ctx: { signal: AbortSignal; log: Logger },
): Promise<CollectedPreview[]> {
  const collected: CollectedPreview[] = [];
  for (const cluster of deps.clusters) {
    const previews = await cluster.list(
      { apiVersion: 'v1', kind: 'Namespace', labelSelector: PREVIEW_OF_LABEL },
      { signal: ctx.signal },
    );
    for (const ns of previews) {
      // Already being deleted (by a `closed` webhook or an earlier pass).
      if (ns.metadata['deletionTimestamp'] !== undefined) continue;
      const owner = ownerOf(ns.metadata);
      if (owner === undefined) {
        ctx.log.warn({ namespace: ns.metadata.name }, `namespace ${ns.metadata.name} lacks its repository or pull request: left alone`);
        continue;
      }
      const why = await verdict(ns.metadata, owner, deps, ctx);
      if (why === undefined) continue;
      const found = {
        namespace: ns.metadata.name,
        environment: ns.metadata.labels?.[PREVIEW_OF_LABEL] ?? '',
        pullRequest: owner.pullNumber,
        repo: owner.repo,
        why,
      };
      await deps.retire(found, cluster);
      ctx.log.info(found, `preview ${found.namespace} retired: ${WHY[why]}`);
      collected.push(found);
    }
  }
  return collected;
}

type Metadata = { name: string; labels?: Readonly<Record<string, string>>; annotations?: Readonly<Record<string, string>> };

/** The repository and pull request a preview namespace belongs to, from its labels; `undefined` when not the pipeline's. */
function ownerOf(metadata: Metadata): { repo: { owner: string; repo: string }; pullNumber: number } | undefined {
  const [owner, repo, extra] = (metadata.annotations?.[REPOSITORY_LABEL] ?? '').split('/');
  const pullNumber = Number(metadata.labels?.[PULL_REQUEST_LABEL]);
  if (!owner || !repo || extra !== undefined || !Number.isInteger(pullNumber) || pullNumber <= 0) return undefined;
  return { repo: { owner, repo }, pullNumber };
}

const WHY: Readonly<Record<CollectedPreview['why'], string>> = {
  closed: 'its pull request is closed',
  expired: 'it outlived preview.ttl since its last deploy',
};

async function verdict(
  metadata: Metadata,
  { repo: { owner, repo }, pullNumber }: { repo: { owner: string; repo: string }; pullNumber: number },
  deps: CollectDeps,
  ctx: { signal: AbortSignal; log: Logger },
): Promise<CollectedPreview['why'] | undefined> {
  const expiresAt = Date.parse(metadata.annotations?.[EXPIRES_AT_ANNOTATION] ?? '');
  if (!Number.isNaN(expiresAt) && expiresAt <= deps.now()) return 'expired';
  try {
    const state = await deps.pullRequestState({ owner, repo }, pullNumber, ctx.signal);
    if (state === 'missing')
      ctx.log.warn(
        { namespace: metadata.name },
        `GitHub does not know ${owner}/${repo}#${pullNumber} (404): its preview is left until its ttl passes`,
      );
    return state === 'closed' ? 'closed' : undefined;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.log.warn(
      { namespace: metadata.name, err: { message: (error as Error).message } },
      `could not read ${owner}/${repo}#${pullNumber} from GitHub; its preview is checked again next time`,
    );
    return undefined;
  }
}
