import type { EnvConfig } from '../../../core/config/env-config.js';
import { ENVIRONMENT_LABEL } from '../../../core/kube/pipeline-metadata.js';
import type { Cluster } from '../../../core/ports/cluster.js';

/**
 * Step 3: makes sure the environment's namespace exists, since its objects (and its release records) live there
 * and a dry-run of a namespaced object in a missing namespace fails.
 *
 * Only a missing namespace is created: when the overlay renders the Namespace itself, the apply step owns its
 * fields, and setting labels here on every deploy (same field manager) would make the two take turns removing each
 * other's labels. Its label is written under a field manager of its own (`<fieldManager>-namespace`): under the
 * apply step's manager, applying an overlay Namespace without the label would remove it.
 *
 * @returns whether the namespace was created
 */
export async function ensureEnvironmentNamespace(
  cluster: Cluster,
  env: EnvConfig,
  fieldManager: string,
  signal: AbortSignal,
): Promise<boolean> {
  const ref = { group: '', version: 'v1', kind: 'Namespace', name: env.namespace };
  if ((await cluster.get(ref, { signal })) !== undefined) return false;
  await cluster.ensureNamespace(
    env.namespace,
    { [ENVIRONMENT_LABEL]: env.name },
    { fieldManager: `${fieldManager}-namespace`, signal },
  );
  return true;
}
