// Which rendered objects an environment's release canaries: for every app workload whose rollout resolves to
// `canary` (core/config/resolve-rollout.ts), its rendered Deployment and the Service that selects its pods. What the
// deploy stage needs to run each canary beside stable instead of applying the new template in place.
import type { AppConfig } from '../config/app-config.js';
import type { AppCanary } from '../config/app-workload.js';
import { podTemplate, selects, serviceSelector, templateLabels } from '../config/base-objects.js';
import type { EnvConfig } from '../config/env-config.js';
import { canaryTimeoutProblem, resolveRollout, type CanaryRoute as RouteTarget } from '../config/resolve-rollout.js';
import type { KubeObject } from '../kube/object.js';

export interface PlannedCanary {
  readonly app: string;
  /** Where the canary is configured: the app.yaml and its `canary` field, for errors. */
  readonly file: string;
  readonly field: string;
  readonly canary: AppCanary;
  /** The provider and its target (the Gateway, the mesh). */
  readonly target: RouteTarget;
  /** The rendered Deployment (the new version). */
  readonly deployment: KubeObject;
  /** The app's Service for it: the stable backend. */
  readonly service: KubeObject;
}

/** A canaried workload the render cannot serve; `file` and `field` say where to fix it. */
export interface CanaryPlanIssue {
  readonly file: string;
  readonly field: string;
  readonly message: string;
}

/** `apps`: each app's parsed app.yaml with its file (`apps/catalog/app.yaml`). */
export function planCanaries(
  apps: readonly { readonly file: string; readonly config: AppConfig }[],
  env: EnvConfig,
  objects: readonly KubeObject[],
  envFile = `environments/${env.name}/env.yaml`,
): { readonly canaries: readonly PlannedCanary[]; readonly issues: readonly CanaryPlanIssue[] } {
  const canaries: PlannedCanary[] = [];
  const issues: CanaryPlanIssue[] = [];
  for (const { file, config } of apps) {
    for (const workload of config.workloads) {
      const rollout = resolveRollout(workload, env);
      if (rollout.kind === 'deployment') continue;
      const field = workload.field === '' ? 'canary' : `${workload.field}.canary`;
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === workload.name);
      if (!deployment) {
        // Not in this environment's render (the overlay does not include the app): nothing to canary here.
        continue;
      }
      if (rollout.kind === 'unroutable') {
        // Canaried here, through a provider the environment gives no route for: never rolled as a plain update.
        issues.push({
          file: envFile,
          field: rollout.missing,
          message: `is required: ${workload.kind}/${workload.name} of ${file} is canaried through ${rollout.provider} here; add ${rollout.missing}, ${rollout.missing === 'traffic.gateway' ? 'the Gateway its HTTPRoutes attach to ({ name, namespace })' : 'the App Mesh mesh name'}`,
        });
        continue;
      }
      if (workload.kind !== 'Deployment') {
        issues.push({
          file,
          field,
          message: `canaries only Deployments; ${workload.kind}/${workload.name} is not one`,
        });
        continue;
      }
      const labels = templateLabels(podTemplate(deployment) ?? {});
      const service = objects.find((o) => {
        const selector = o.kind === 'Service' ? serviceSelector(o) : undefined;
        return selector !== undefined && Object.keys(selector).length > 0 && selects(selector, labels);
      });
      if (!service) {
        issues.push({
          file,
          field,
          message: `needs a Service selecting the pods of Deployment/${workload.name}: the canary's traffic is shifted between that Service and the canary's; add one to the base`,
        });
        continue;
      }
      const ports = (service.spec as { ports?: readonly { port?: unknown }[] } | undefined)?.ports ?? [];
      if (!ports.some((p) => typeof p.port === 'number')) {
        issues.push({
          file,
          field,
          message: `needs a port on Service/${service.metadata.name}, which selects the pods of Deployment/${workload.name}: the canary's route sends traffic to that port`,
        });
        continue;
      }
      const timeoutProblem = canaryTimeoutProblem(rollout.canary, env, `${file} (${workload.kind}/${workload.name})`);
      if (timeoutProblem) {
        issues.push({ file: envFile, field: 'rollout.timeout', message: timeoutProblem });
        continue;
      }
      canaries.push({
        app: config.name,
        file,
        field,
        canary: rollout.canary,
        target: rollout.route,
        deployment,
        service,
      });
    }
  }
  return { canaries, issues };
}
