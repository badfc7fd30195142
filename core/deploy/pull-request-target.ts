// Where a pull request's dry-run diff looks: the cluster and namespace its base branch's env.yaml names. The target
// is policy, like a preview's configuration (core/deploy/preview.ts `policyCommit`): a pull request (a fork's too)
// that edits `cluster` or `namespace` in its env.yaml must not point the diff, and so the live state it shows, at
// another cluster context of the worker's kubeconfig or another namespace. Pure: the deploy stage reads both files.
import type { EnvConfig } from '../config/env-config.js';
import type { KubeObject } from '../kube/object.js';
import { moveToNamespace } from './preview.js';

/** Where an environment deploys, as people read it. */
export interface EnvTarget {
  readonly cluster: string;
  /** The kubeconfig context, when env.yaml names one (or the cluster's name implies it). */
  readonly context?: string;
  readonly namespace: string;
  /** The Gateway canaries route through, `namespace/name`, when env.yaml names one (`traffic.gateway`). */
  readonly gateway?: string;
}

/**
 * A pull request whose env.yaml moves its environment: `from` is the base branch's target, the one the diff used;
 * `to` the head's, not diffed (it applies once merged). Plain JSON: it travels in queue jobs.
 */
export interface TargetMove {
  readonly from: EnvTarget;
  readonly to: EnvTarget;
}

function targetOf(env: EnvConfig): EnvTarget {
  return {
    cluster: env.cluster.name,
    ...(env.cluster.context !== undefined && { context: env.cluster.context }),
    namespace: env.namespace,
    ...(env.traffic.gateway && { gateway: `${env.traffic.gateway.namespace}/${env.traffic.gateway.name}` }),
  };
}

function sameTarget(a: EnvTarget, b: EnvTarget): boolean {
  return a.cluster === b.cluster && a.context === b.context && a.namespace === b.namespace && a.gateway === b.gateway;
}

/**
 * The head's configuration aimed at the base's target: the head's env.yaml for everything it says, except `cluster`,
 * `namespace` and the Gateway (`traffic.gateway`, which the canary check reads), which are the base's. `moved` says
 * what the head would change, absent when nothing.
 */
export function onBaseTarget(head: EnvConfig, base: EnvConfig): { env: EnvConfig; moved?: TargetMove } {
  const from = targetOf(base);
  const to = targetOf(head);
  const { gateway: _headGateway, ...traffic } = head.traffic;
  const env: EnvConfig = {
    ...head,
    cluster: base.cluster,
    namespace: base.namespace,
    traffic: { ...traffic, ...(base.traffic.gateway && { gateway: base.traffic.gateway }) },
  };
  return sameTarget(from, to) ? { env } : { env, moved: { from, to } };
}

/**
 * The head's render (every namespaced object in `from`, as the render check makes sure) moved into the base's
 * namespace `to`, the environment's own Namespace object renamed with it; other cluster-scoped objects are kept, so
 * the diff shows them as the head renders them.
 */
export function renderOnBaseTarget(objects: readonly KubeObject[], from: string, to: string): KubeObject[] {
  if (from === to) return [...objects];
  return objects.map((obj) => {
    const own = obj.metadata.namespace;
    if (own === undefined || own === '')
      return obj.kind === 'Namespace' && obj.apiVersion === 'v1' && obj.metadata.name === from
        ? { ...obj, metadata: { ...obj.metadata, name: to } }
        : obj;
    return own === from ? moveToNamespace(obj, from, to) : obj;
  });
}

/** `cluster local (context kind-x), namespace shop-dev`. */
export function describeTarget(target: EnvTarget): string {
  const context = target.context !== undefined && target.context !== target.cluster ? ` (context ${target.context})` : '';
  const gateway = target.gateway !== undefined ? `, gateway ${target.gateway}` : '';
  return `cluster ${target.cluster}${context}, namespace ${target.namespace}${gateway}`;
}

/**
 * The sentence a pull request's diff (check run and comment) and its `gantry/validate` check carry when its env.yaml
 * moves the environment.
 */
export function targetMoveLine(moved: TargetMove): string {
  return `This pull request's env.yaml moves the environment to ${describeTarget(moved.to)}: the move is not diffed or checked for a pull request, which is diffed and checked against the base branch's target, ${describeTarget(moved.from)}; the move applies once merged.`;
}
