import { checkRenderAutoscalers } from '../../../core/config/check-render-autoscalers.js';
import { checkRenderNamespace } from '../../../core/config/check-render-namespace.js';
import type { EnvConfig } from '../../../core/config/env-config.js';
import { DeployError } from '../../../core/deploy-error.js';
import type { KubeObject } from '../../../core/kube/object.js';
import { Reason } from '../../../core/reasons.js';
import { FileSystemError, type FileSystem } from '../../../kustomize/fs/file-system.js';
import { KustomizeError } from '../../../kustomize/errors.js';
import { renderKustomization } from '../../../kustomize/render.js';
import { ENVIRONMENTS_DIR, envFile } from '../read-environments.js';

/**
 * Step 2: renders `environments/<name>` of the commit with kustomize-ts.
 *
 * @throws DeployError (RenderFailed, terminal) naming the kustomization file and field at fault (kustomize-ts's
 *   message), or saying the render is empty: an empty render is never deployed, since it would prune everything;
 *   (InvalidConfig, terminal) when objects fall outside env.yaml's namespace (core/config/check-render-namespace.ts)
 *   or autoscalers would fight (core/config/check-render-autoscalers.ts)
 */
export function renderEnvironment(tree: FileSystem, env: EnvConfig): KubeObject[] {
  const dir = `${ENVIRONMENTS_DIR}/${env.name}`;
  let objects: readonly unknown[];
  try {
    objects = renderKustomization(tree, dir).objects;
  } catch (error) {
    if (error instanceof KustomizeError || error instanceof FileSystemError) {
      throw new DeployError(Reason.RenderFailed, `render of ${dir} failed: ${error.message}`, { cause: error });
    }
    throw error;
  }
  if (objects.length === 0) {
    throw new DeployError(
      Reason.RenderFailed,
      `render of ${dir} produced no objects: refusing to deploy an empty environment (it would prune everything); check its kustomization.yaml`,
    );
  }
  const rendered = objects.map((obj, index) => asKubeObject(obj, `${dir} object ${index + 1}`));
  // Refused here, before the namespace step creates anything or validation applies a Namespace early.
  const outside =
    checkRenderNamespace(rendered, env.namespace, { envFile: envFile(env.name), overlay: dir }) ??
    checkRenderAutoscalers(rendered, dir);
  if (outside)
    throw new DeployError(
      Reason.InvalidConfig,
      `${outside.message}
Nothing was applied.`,
      { cause: outside },
    );
  return rendered;
}

/** kustomize-ts guarantees kind and metadata.name; apiVersion is checked here, since the apiserver needs it. */
function asKubeObject(value: unknown, where: string): KubeObject {
  const obj = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  if (
    typeof obj.apiVersion !== 'string' ||
    obj.apiVersion === '' ||
    typeof obj.kind !== 'string' ||
    typeof obj.metadata?.name !== 'string'
  ) {
    throw new DeployError(
      Reason.RenderFailed,
      `${where} lacks apiVersion, kind or metadata.name: every rendered object needs all three`,
    );
  }
  return value as KubeObject;
}
