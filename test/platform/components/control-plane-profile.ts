// How hard the local control plane's own clients may drive the apiserver: the controllers' and kwok's client QPS
// and worker counts. `production` (the default) raises them the way a managed control plane (EKS) or a large
// self-run one does; `stock` keeps every upstream default, for comparison (bench/time-to-production.ts measures
// both). Chosen with GANTRY_CONTROL_PLANE=production|stock.

export type ControlPlaneProfile = 'production' | 'stock';

export const CONTROL_PLANE_PROFILES: readonly ControlPlaneProfile[] = ['production', 'stock'];

/** The settings a profile gives each component; `undefined` leaves that component's upstream default. */
export interface ControlPlaneTuning {
  /** kube-controller-manager: client QPS/burst (upstream 20/30) and sync workers (upstream 5 each). */
  readonly controllerManager?: {
    readonly qps: number;
    readonly burst: number;
    readonly deploymentSyncs: number;
    readonly replicaSetSyncs: number;
    readonly endpointSliceSyncs: number;
  };
  /** kube-scheduler: clientConnection qps/burst (upstream 50/100). */
  readonly scheduler?: { readonly qps: number; readonly burst: number };
  /** kwok: pods advanced through their stages in parallel (upstream podPlayStageParallelism 4). */
  readonly kwok?: { readonly podPlayStageParallelism: number };
}

/**
 * The production profile: a rollout of hundreds of Deployments is limited by the apiserver's CPU, not by a client's
 * token bucket. The values are ten times upstream's client rates and four times its workers: high enough that none
 * of the three waits on its own limiter at 1,000 Deployments here, low enough that APF (the apiserver's own
 * fairness, which stays on) still has room to queue rather than reject.
 */
const PRODUCTION: ControlPlaneTuning = {
  controllerManager: { qps: 200, burst: 400, deploymentSyncs: 20, replicaSetSyncs: 20, endpointSliceSyncs: 20 },
  scheduler: { qps: 500, burst: 1000 },
  kwok: { podPlayStageParallelism: 16 },
};

export function tuningOf(profile: ControlPlaneProfile): ControlPlaneTuning {
  return profile === 'production' ? PRODUCTION : {};
}

/** GANTRY_CONTROL_PLANE's profile (default `production`); any other value is refused before anything starts. */
export function controlPlaneProfile(env: NodeJS.ProcessEnv): ControlPlaneProfile {
  const value = env.GANTRY_CONTROL_PLANE ?? 'production';
  if ((CONTROL_PLANE_PROFILES as readonly string[]).includes(value)) return value as ControlPlaneProfile;
  throw new Error(`GANTRY_CONTROL_PLANE=${value} is not a control-plane profile: use ${CONTROL_PLANE_PROFILES.join(' or ')}`);
}
