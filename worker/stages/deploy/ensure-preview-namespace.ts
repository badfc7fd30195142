import type { EnvConfig } from '../../../core/config/env-config.js';
import { DeployError } from '../../../core/deploy-error.js';
import type { PreviewOwner } from '../../../core/deploy/preview.js';
import { PREVIEW_OF_LABEL, PULL_REQUEST_LABEL, previewNamespaceObjects } from '../../../core/deploy/preview.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import { Reason } from '../../../core/reasons.js';

/**
 * Step 3 of a preview: refuses a new preview when the environment already runs `preview.maxConcurrent`, then
 * applies the preview namespace with its ownership labels, quota, limits and NetworkPolicy (field manager
 * `<fieldManager>-preview`, so the overlay's apply never removes them and the diff never shows them).
 *
 * @param env the environment as configured (its own namespace, its preview settings)
 * @throws DeployError PreviewLimitReached (terminal) naming the pull requests that hold the previews
 */
export async function ensurePreviewNamespace(
  cluster: Cluster,
  env: EnvConfig,
  namespace: string,
  owner: PreviewOwner,
  fieldManager: string,
  signal: AbortSignal,
): Promise<void> {
  const running = await cluster.list(
    { apiVersion: 'v1', kind: 'Namespace', labelSelector: `${PREVIEW_OF_LABEL}=${env.name}` },
    { signal },
  );
  // Namespaces being deleted still count until they are gone: their pods may still be running.
  const others = running.filter((ns) => ns.metadata.name !== namespace);
  if (others.length >= env.preview.maxConcurrent && others.length === running.length) {
    const holders = others
      .map((ns) => `#${ns.metadata.labels?.[PULL_REQUEST_LABEL] ?? '?'} (${ns.metadata.name})`)
      .sort()
      .join(', ');
    throw new DeployError(
      Reason.PreviewLimitReached,
      `${env.name} already runs ${others.length} previews, its preview.maxConcurrent (environments/${env.name}/env.yaml): ` +
        `${holders}. Close one of those pull requests, or raise the limit, then push again or reopen this one. Nothing was applied.`,
    );
  }
  const [ns, ...inside] = previewNamespaceObjects(env, namespace, owner);
  const options = { fieldManager: `${fieldManager}-preview`, force: true, signal };
  // The Namespace first: the quota, limits and policy are created inside it.
  if (ns) await cluster.apply([ns], options);
  await cluster.apply(inside, options);
}
