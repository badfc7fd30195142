// What a deploy is on GitHub's environments page: the identity of a GitHub Deployment, derived from the request
// alone so every writer (the report queue, `gantry rollback`) names the same deployment. Previews plug in through
// the request's target: a preview is `pr-<n>/<env>`, transient, never production.
import type { DeployRequest } from '../deploy/deploy-request.js';
import { previewEnvironmentName } from '../deploy/preview.js';

/** The fields of a GitHub Deployment that say where a commit went. */
export interface DeploymentTarget {
  /** GitHub's `environment`: the environment's name, or `pr-<n>/<env>` for a pull request's preview. */
  readonly environment: string;
  /** True for a preview: GitHub marks it inactive when torn down, and shows it apart from lasting environments. */
  readonly transient: boolean;
  /** GitHub's `production_environment`: true only for the environment named `production`, never a preview. */
  readonly production: boolean;
  /** Where the running deploy answers, when the target has an address (previews, once they report one). */
  readonly environmentUrl?: string;
}

/** The environment whose deploys GitHub treats as production (what its environments page and Actions key on). */
export const PRODUCTION_ENVIRONMENT = 'production';

/**
 * The deployment target of a request, or `undefined` when the request deploys nothing (a dry run: its outcome is
 * the `diff/<env>` check run, not a deployment).
 */
export function deploymentTarget(
  request: Pick<DeployRequest, 'environment' | 'mode' | 'target' | 'trigger'>,
): DeploymentTarget | undefined {
  if (request.mode !== 'apply') return undefined;
  if (request.target.kind === 'preview') {
    const number = request.trigger.kind === 'pull_request' ? request.trigger.number : undefined;
    const name = number === undefined ? `preview/${request.environment}` : previewEnvironmentName(request.environment, number);
    return { environment: name, transient: true, production: false };
  }
  return {
    environment: request.environment,
    transient: false,
    production: request.environment === PRODUCTION_ENVIRONMENT,
  };
}
