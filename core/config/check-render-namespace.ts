// An environment deploys into one namespace, the one its env.yaml names: the release history, the prune inventory,
// previews and `gantry status` all look there. A render that puts objects elsewhere (an overlay whose `namespace:`
// differs, a base that pins its own) would move the environment behind the pipeline's back: created in the new
// namespace, pruned from the old, reported Healthy while empty (issue 7, item 2). The pipeline and the checker
// both refuse it with this one check.
import type { KubeObject } from '../kube/object.js';
import { formatRef, refOf } from '../kube/object.js';
import { ConfigError } from './config-error.js';

/** How many offending objects a message names before it says "and N more". */
const NAMED = 10;

/**
 * The rendered objects that fall outside `namespace`: every object whose `metadata.namespace` is another
 * namespace, and every Namespace object other than `namespace` itself (the environment's own Namespace must be its
 * namespace; kustomize's `namespace:` renames it along with everything else). Cluster-scoped objects (ClusterRole,
 * StorageClass, CRDs...) carry no namespace and pass; so does a namespaced object without one, which the server's
 * dry-run refuses anyway.
 */
export function objectsOutsideNamespace(objects: readonly KubeObject[], namespace: string): KubeObject[] {
  return objects.filter((obj) => {
    if (obj.apiVersion === 'v1' && obj.kind === 'Namespace') return obj.metadata.name !== namespace;
    const own = obj.metadata.namespace;
    return own !== undefined && own !== '' && own !== namespace;
  });
}

/** Where the problem is reported: the environment's env.yaml and its overlay directory, relative to the repository. */
export interface RenderNamespaceFiles {
  /** `environments/dev/env.yaml`: the error is reported on its `namespace` field. */
  readonly envFile: string;
  /** `environments/dev`: the overlay that rendered the objects. */
  readonly overlay: string;
}

/**
 * Checks that a render stays in the environment's namespace.
 *
 * @returns a ConfigError on `files.envFile`, field `namespace`, naming both namespaces and the objects (the first
 *   {@link NAMED}, then how many more); undefined when every object is in place
 */
export function checkRenderNamespace(
  objects: readonly KubeObject[],
  namespace: string,
  files: RenderNamespaceFiles,
): ConfigError | undefined {
  const outside = objectsOutsideNamespace(objects, namespace);
  if (outside.length === 0) return undefined;
  const elsewhere = [
    ...new Set(outside.map((obj) => (obj.kind === 'Namespace' ? obj.metadata.name : (obj.metadata.namespace ?? '')))),
  ].sort();
  const named = outside.slice(0, NAMED).map((obj) => formatRef(refOf(obj)));
  const more = outside.length > NAMED ? ` and ${outside.length - NAMED} more` : '';
  const count = outside.length === 1 ? '1 object' : `${outside.length} objects`;
  return new ConfigError(files.envFile, [
    {
      path: 'namespace',
      message:
        `is "${namespace}" but ${files.overlay} renders ${count} into ${elsewhere.map((ns) => `"${ns}"`).join(', ')}: ` +
        `${named.join(', ')}${more}. An environment deploys into its own namespace only: set namespace: ${namespace} ` +
        `in ${files.overlay}/kustomization.yaml (to move the environment, change env.yaml's namespace too)`,
    },
  ]);
}
