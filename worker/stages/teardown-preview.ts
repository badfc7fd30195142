// The teardown of a pull request's previews: its namespaces deleted, with everything in them (the objects and the
// preview's own release history), and GitHub told. Only namespaces the pipeline made for a preview are ever deleted.
import type { Logger } from 'pino';
import type { EnvConfig } from '../../core/config/env-config.js';
import { PREVIEW_OF_LABEL, previewEnvironmentName } from '../../core/deploy/preview.js';
import type { Cluster } from '../../core/ports/cluster.js';
import { mergeCommentSection, previewMarkdown } from '../../core/report/pull-request-comment.js';
import type { GitHubReporter, RepoRef } from '../../adapters/github/index.js';

/** One preview namespace to delete, and the cluster its environment names. */
export interface PreviewTeardown {
  readonly environment: string;
  readonly namespace: string;
  readonly cluster: EnvConfig['cluster'];
}

/** What happened to one preview namespace. */
export type TeardownOutcome = 'deleted' | 'absent' | 'not-a-preview';

/** Why a preview goes: its pull request closed (the webhook, or the collector asking GitHub), or its ttl passed. */
export type RetireReason = 'closed' | 'expired';

/** One preview to retire, wherever the decision came from. */
export interface PreviewRetirement {
  readonly environment: string;
  readonly namespace: string;
  readonly pullRequest: number;
  readonly repo: RepoRef;
  readonly why: RetireReason;
  /** The acceptance order of the decision: results of older requests can no longer overwrite the comment. */
  readonly sequence: number;
}

/** What retiring a preview needs of GitHub. */
export type RetireReporter = Pick<GitHubReporter, 'deactivateOlderDeployments' | 'upsertPullRequestComment'>;

const RETIRED: Readonly<Record<RetireReason, string>> = {
  closed: 'The pull request closed.',
  expired: 'It outlived `preview.ttl` since its last push; pushing again deploys it anew.',
};

/**
 * The one teardown of a preview, for the `closed` webhook and the periodic collector alike. A namespace that is not
 * the environment's preview (no {@link PREVIEW_OF_LABEL} label naming it: a prefix that collides with someone's
 * namespace) is left alone; one already gone only has its Deployments made inactive. Otherwise GitHub is told first, every Deployment of
 * `pr-<n>/<env>` `inactive` (a transient one shows as destroyed) and the pull request comment's preview part torn
 * down, and then the namespace is deleted (the cluster removes its contents, the objects and the preview's release
 * history, in the background). In that order a failure anywhere leaves the namespace for the retry (the plan job's,
 * or the collector's next pass) to find, and every write is idempotent: a repeated teardown changes nothing twice.
 */
export async function retirePreview(
  target: PreviewRetirement,
  deps: { readonly cluster: Cluster; readonly reporter: RetireReporter },
  ctx: { signal: AbortSignal; log: Logger },
): Promise<TeardownOutcome> {
  const ref = { group: '', version: 'v1', kind: 'Namespace', name: target.namespace };
  const live = await deps.cluster.get(ref, { signal: ctx.signal });
  if (live !== undefined && live.metadata.labels?.[PREVIEW_OF_LABEL] !== target.environment) {
    ctx.log.warn(
      { namespace: target.namespace, environment: target.environment },
      `namespace ${target.namespace} is not a preview of ${target.environment} (no ${PREVIEW_OF_LABEL} label): left alone`,
    );
    return 'not-a-preview';
  }
  const environment = previewEnvironmentName(target.environment, target.pullRequest);
  const description =
    target.why === 'closed'
      ? `pull request #${target.pullRequest} closed: preview deleted`
      : 'preview deleted: it outlived preview.ttl';
  // Also without a namespace: a preview refused (over preview.maxConcurrent) or failed before it had one still has
  // a Deployment that must not stay live.
  const { deactivated } = await deps.reporter.deactivateOlderDeployments(
    target.repo,
    { environment, description },
    { signal: ctx.signal },
  );
  ctx.log.info({ environment, inactive: deactivated }, `marked ${deactivated.length} deployment(s) of ${environment} inactive`);
  if (live === undefined) return 'absent';
  const section = {
    environment: target.environment,
    part: 'preview' as const,
    sequence: target.sequence,
    markdown: previewMarkdown({ environmentName: environment, namespace: target.namespace, state: 'torn-down', why: RETIRED[target.why] }),
  };
  await deps.reporter.upsertPullRequestComment(
    target.repo,
    { pullNumber: target.pullRequest, body: (current) => mergeCommentSection(current, section) },
    { signal: ctx.signal },
  );
  const outcome = await deps.cluster.delete(ref, { signal: ctx.signal, propagation: 'Background' });
  ctx.log.info({ namespace: target.namespace, environment: target.environment }, `preview ${target.namespace} deleted`);
  return outcome;
}
