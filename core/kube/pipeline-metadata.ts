// Labels the pipeline writes on objects for its own bookkeeping, as opposed to what a user's manifests declare.

/** The environment an object belongs to: on the namespace the pipeline created for it, and on its release records. */
export const ENVIRONMENT_LABEL = 'gantry.dev/environment';

/**
 * Labels that only the pipeline writes, for itself: never part of a desired state, so a diff never reports them
 * (issue 7, item 8: the first deploy showed `- metadata.labels["gantry.dev/environment"]` on the Namespace).
 * User-facing `gantry.dev/*` keys (`gantry.dev/prune`, `gantry.dev/simulate`) are declared in manifests and are
 * not listed here.
 */
export const PIPELINE_LABELS: readonly string[] = [ENVIRONMENT_LABEL];
