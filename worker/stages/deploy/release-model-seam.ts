// SEAM: two release models exist side by side. The release store (core/ports/release-store.ts, implemented by
// adapters/kube) keeps the port's minimal model, which has the `deploying` outcome and the `deployId` that make
// recording idempotent; core/release/ has the fuller model that core/rollback's decision reads. Until the store
// takes core's model, this file translates the port's releases for the decision. Delete it then.
import type { Release as StoredRelease } from '../../../core/ports/release-store.js';
import { DEPLOY_STAGES, type DeployStage, type Release, type ReleaseOutcome } from '../../../core/release/release.js';

/** The port's outcome in core's words. */
const OUTCOME: Readonly<Record<StoredRelease['outcome'], ReleaseOutcome>> = {
  deploying: 'deploying',
  succeeded: 'succeeded',
  failed: 'failed',
  'rolled-back': 'rolled-back',
};

/** A stored release as core/release models it. */
export function toCoreRelease(release: StoredRelease): Release {
  const timings = Object.fromEntries(
    Object.entries(release.timings ?? {}).filter(([stage]) => (DEPLOY_STAGES as readonly string[]).includes(stage)),
  ) as Partial<Record<DeployStage, number>>;
  return {
    environment: release.environment,
    revision: release.revision,
    kind: release.rollbackOf === undefined ? 'deploy' : 'rollback',
    sha: release.commit,
    manifestDigest: release.manifestDigest,
    inventory: release.inventory,
    outcome: OUTCOME[release.outcome],
    startedAt: release.startedAt,
    timings,
    ...(release.finishedAt !== undefined && { finishedAt: release.finishedAt }),
    ...(release.reason !== undefined && { reason: release.reason }),
    ...(release.message !== undefined && { message: release.message }),
  };
}
