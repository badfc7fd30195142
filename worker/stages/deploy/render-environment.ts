import { DeployError } from '../../../core/deploy-error.js';
import type { KubeObject } from '../../../core/kube/object.js';
import { Reason } from '../../../core/reasons.js';
import { FileSystemError, type FileSystem } from '../../../kustomize/fs/file-system.js';
import { KustomizeError } from '../../../kustomize/errors.js';
import { renderKustomization } from '../../../kustomize/render.js';
import { ENVIRONMENTS_DIR } from '../read-environments.js';

/**
 * Step 2: renders `environments/<name>` of the commit with kustomize-ts.
 *
 * @throws DeployError (RenderFailed, terminal) naming the kustomization file and field at fault (kustomize-ts's
 *   message), or saying the render is empty: an empty render is never deployed, since it would prune everything
 */
export function renderEnvironment(tree: FileSystem, name: string): KubeObject[] {
  const dir = `${ENVIRONMENTS_DIR}/${name}`;
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
  return objects.map((obj, index) => asKubeObject(obj, `${dir} object ${index + 1}`));
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
