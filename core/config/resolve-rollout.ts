import { formatDuration } from './duration.js';
import type { AppCanary, AppWorkload, TrafficProvider } from './app-workload.js';
import type { EnvConfig } from './env-config.js';

/** Where a canary's traffic weights are set. */
export type CanaryRoute =
  | { readonly provider: 'gateway-api'; readonly gateway: { readonly name: string; readonly namespace: string } }
  | { readonly provider: 'appmesh'; readonly mesh: string };

/**
 * How one workload of an app is rolled out in one environment.
 * - `deployment`: apply and wait; the Deployment's own strategy (RollingUpdate, Recreate) does the work.
 * - `canary`: step the traffic through `route` as `canary` says.
 * - `unroutable`: the app should be canaried but the environment lacks what its provider needs; a config error
 *   (checkConfigSet reports it before any deploy).
 */
export type ResolvedRollout =
  | { readonly kind: 'deployment'; readonly because: 'environment-rolls' | 'app-has-no-canary' }
  | { readonly kind: 'canary'; readonly canary: AppCanary; readonly route: CanaryRoute }
  | {
      readonly kind: 'unroutable';
      readonly provider: TrafficProvider;
      readonly missing: 'traffic.gateway' | 'traffic.mesh';
    };

/** The workload's pinned provider, else the environment's. */
export function trafficProviderFor(workload: AppWorkload, env: EnvConfig): TrafficProvider {
  return workload.traffic.provider ?? env.traffic.provider;
}

/** Combines a workload's canary settings (from its app.yaml) with an environment's strategy and traffic settings. */
export function resolveRollout(workload: AppWorkload, env: EnvConfig): ResolvedRollout {
  if (env.rollout.strategy === 'rolling') return { kind: 'deployment', because: 'environment-rolls' };
  if (!workload.canary) return { kind: 'deployment', because: 'app-has-no-canary' };
  const provider = trafficProviderFor(workload, env);
  switch (provider) {
    case 'gateway-api':
      return env.traffic.gateway
        ? { kind: 'canary', canary: workload.canary, route: { provider, gateway: env.traffic.gateway } }
        : { kind: 'unroutable', provider, missing: 'traffic.gateway' };
    case 'appmesh':
      return env.traffic.mesh
        ? { kind: 'canary', canary: workload.canary, route: { provider, mesh: env.traffic.mesh } }
        : { kind: 'unroutable', provider, missing: 'traffic.mesh' };
  }
}

/** The shortest time a canary can take: the sum of its steps' pauses, in milliseconds. */
export function minimumCanaryDuration(canary: AppCanary): number {
  return canary.steps.reduce((total, step) => total + step.pause, 0);
}

/**
 * Why a canary cannot finish within the environment's `rollout.timeout` (its pauses alone take at least as long),
 * or undefined when it can. One rule for `gantry check` and the deploy stage, so a commit the check refuses is never
 * deployed.
 *
 * @param what the canaried workload as the message names it (`apps/catalog/app.yaml (Deployment/catalog)`)
 */
export function canaryTimeoutProblem(canary: AppCanary, env: EnvConfig, what: string): string | undefined {
  const minimum = minimumCanaryDuration(canary);
  if (minimum < env.rollout.timeout) return undefined;
  return `(${formatDuration(env.rollout.timeout)}) is not longer than the canary of ${what} (its pauses alone take ${formatDuration(minimum)}); raise the timeout or shorten the pauses`;
}
