import { autoscalerConflicts } from '../diff/autoscaler-conflicts.js';
import type { KubeObject } from '../kube/object.js';
import { ConfigError } from './config-error.js';

/**
 * The rendered overlay's autoscalers must not fight (core/diff/autoscaler-conflicts.ts): a ConfigError
 * on the overlay's kustomization.yaml naming each object and field, or undefined. Run by `gantry check` and by the
 * deploy stage on its render, before anything is applied.
 */
export function checkRenderAutoscalers(objects: readonly KubeObject[], overlay: string): ConfigError | undefined {
  const issues = autoscalerConflicts(objects);
  return issues.length === 0 ? undefined : new ConfigError(`${overlay}/kustomization.yaml`, issues);
}
