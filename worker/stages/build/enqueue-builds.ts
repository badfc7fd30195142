// The plan side of the build stage: for each environment a push deploys, the images it needs, each either found in
// the registry already or handed to the build queue (once per content tag, whoever else needs it).
import type { BuildJob, BuildRef } from '../../../adapters/queue/build-job.js';
import { buildCheckName } from '../../../core/report/build-report.js';
import type { DeployRequest } from '../../../core/deploy/deploy-request.js';
import type { ImageBuilder } from '../../../core/ports/image-builder.js';
import { planBuilds, type ListedTree } from './plan-builds.js';

/** The git adapter's mirror, as far as planning builds reads it. */
export interface ListedTreeSource {
  fetch(
    cloneUrl: string,
    sha: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ treeAt(sha: string, options?: { signal?: AbortSignal }): Promise<ListedTree> }>;
}

export interface EnqueueBuildDeps {
  readonly git: ListedTreeSource;
  readonly builder: Pick<ImageBuilder, 'fingerprint' | 'find'>;
  readonly queues: { enqueueBuild(build: BuildJob): Promise<{ readonly jobId: string; readonly status: string }> };
}

/**
 * The images each request's environment needs, keyed like `requests`. Only deployments build: a pull request's
 * dry run pins the images the registry already holds and leaves the others as the overlay names them.
 *
 * @throws DeployError InvalidConfig (terminal) for an app.yaml, context or Dockerfile at fault; builder and queue
 *   errors as they come (retryable ones retry the plan job, which adds nothing twice)
 */
export async function enqueueBuilds(
  requests: readonly DeployRequest[],
  deps: EnqueueBuildDeps,
  signal?: AbortSignal,
): Promise<Map<DeployRequest, BuildRef[]>> {
  const result = new Map<DeployRequest, BuildRef[]>();
  const first = requests[0];
  if (first === undefined) return result;
  const repo = await deps.git.fetch(first.repo.cloneUrl, first.sha, { signal });
  const tree = await repo.treeAt(first.sha, { signal });
  const needs = await planBuilds(tree, [...new Set(requests.map((r) => r.environment))], deps.builder, signal);
  for (const request of requests) {
    const refs: BuildRef[] = [];
    for (const { source, built } of needs.get(request.environment) ?? []) {
      const base = { app: source.app, image: source.image, repository: source.repository, tag: source.tag };
      if (built) {
        refs.push({ ...base, built: { repository: built.repository, tag: built.tag, digest: built.digest } });
        continue;
      }
      if (request.mode === 'dry-run') continue;
      const { jobId } = await deps.queues.enqueueBuild({
        ...base,
        repo: request.repo,
        sha: request.sha,
        context: source.context,
        dockerfile: source.dockerfile,
        buildArgs: { ...source.buildArgs },
        checkName: buildCheckName(source.app, source.image, source.imagesOfApp),
        deliveryId: request.deliveryId,
      });
      refs.push({ ...base, jobId });
    }
    result.set(request, refs);
  }
  return result;
}
