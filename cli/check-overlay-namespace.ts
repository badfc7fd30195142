// The overlay must deploy where env.yaml says: the pipeline trusts env.yaml for namespaces, previews and pruning.
// Kept apart from check-repository.ts, with one call site, because this check is moving into core/ (issue 7 item 2:
// the deploy refuses a render outside the environment's namespace); when it lands, that call replaces this file.
import { ConfigError } from '../core/config/config-error.js';
import type { EnvConfig } from '../core/config/env-config.js';
import type { YamlParser } from '../core/config/parse-config-file.js';
import type { FileSystem } from '../kustomize/index.js';

/**
 * Compares the `namespace:` of `environments/<name>/kustomization.yaml` with env.yaml's `namespace`.
 *
 * @returns an error on env.yaml (or on the overlay, when it is not YAML), or undefined when they agree
 */
export function checkOverlayNamespace(
  tree: FileSystem,
  name: string,
  env: EnvConfig,
  parseYaml: YamlParser,
): ConfigError | undefined {
  const file = `environments/${name}/env.yaml`;
  const overlay = `environments/${name}/kustomization.yaml`;
  if (tree.kind(overlay) !== 'file')
    return new ConfigError(file, [
      { path: '', message: `has no ${overlay} next to it; an environment is an overlay plus env.yaml` },
    ]);
  let namespace: unknown;
  try {
    namespace = (parseYaml(new TextDecoder().decode(tree.readFile(overlay))) as { namespace?: unknown } | null)
      ?.namespace;
  } catch (cause) {
    return new ConfigError(overlay, [{ path: '', message: `is not valid YAML: ${String(cause)}` }], { cause });
  }
  if (namespace === env.namespace) return undefined;
  return new ConfigError(file, [
    {
      path: 'namespace',
      message: `is "${env.namespace}" but ${overlay} sets namespace: ${JSON.stringify(namespace ?? null)}; make them the same`,
    },
  ]);
}
