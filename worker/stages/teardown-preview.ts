// The teardown of a pull request's previews: its namespaces deleted, with everything in them (the objects and the
// preview's own release history). Only namespaces the pipeline made for a preview are ever deleted.
import type { Logger } from 'pino';
import type { EnvConfig } from '../../core/config/env-config.js';
import { PREVIEW_OF_LABEL } from '../../core/deploy/preview.js';
import type { Cluster } from '../../core/ports/cluster.js';

/** One preview namespace to delete, and the cluster its environment names. */
export interface PreviewTeardown {
  readonly environment: string;
  readonly namespace: string;
  readonly cluster: EnvConfig['cluster'];
}

/** What happened to one preview namespace. */
export type TeardownOutcome = 'deleted' | 'absent' | 'not-a-preview';

/**
 * Deletes `target.namespace` when it is a preview of `target.environment` (labelled so by the pipeline); the cluster
 * removes its contents in the background (the namespace shows `Terminating` until then). A namespace without the
 * label is left alone: a prefix that collides with someone's namespace must never delete it.
 */
export async function teardownPreview(
  target: PreviewTeardown,
  cluster: Cluster,
  ctx: { signal: AbortSignal; log: Logger },
): Promise<TeardownOutcome> {
  const ref = { group: '', version: 'v1', kind: 'Namespace', name: target.namespace };
  const live = await cluster.get(ref, { signal: ctx.signal });
  if (live === undefined) return 'absent';
  if (live.metadata.labels?.[PREVIEW_OF_LABEL] !== target.environment) {
    ctx.log.warn(
      { namespace: target.namespace, environment: target.environment },
      `namespace ${target.namespace} is not a preview of ${target.environment} (no ${PREVIEW_OF_LABEL} label): left alone`,
    );
    return 'not-a-preview';
  }
  const outcome = await cluster.delete(ref, { signal: ctx.signal, propagation: 'Background' });
  ctx.log.info({ namespace: target.namespace, environment: target.environment }, `preview ${target.namespace} deleted`);
  return outcome;
}
