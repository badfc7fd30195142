import { deploymentTarget } from '../../../../core/report/deployment-target.js';
import type { DeployRequest } from '../../../../core/deploy/deploy-request.js';

type Fields = Pick<DeployRequest, 'environment' | 'mode' | 'target' | 'trigger'>;
const push: Fields = { environment: 'staging', mode: 'apply', target: { kind: 'environment' }, trigger: { kind: 'push' } };
const pullRequest = {
  kind: 'pull_request',
  number: 42,
  headSha: 'a'.repeat(40),
  baseRef: 'main',
  headRef: 'feature',
  fromFork: false,
} as const;

describe('the GitHub Deployment a request is (environment name, transient, production)', () => {
  it('names an environment deploy after the environment, lasting, not production', () => {
    expect(deploymentTarget(push)).toEqual({ environment: 'staging', transient: false, production: false });
  });

  it('marks only the environment named production as production', () => {
    expect(deploymentTarget({ ...push, environment: 'production' })).toEqual({
      environment: 'production',
      transient: false,
      production: true,
    });
    expect(deploymentTarget({ ...push, environment: 'production-eu' })?.production).toBe(false);
  });

  it('names a preview pr-<n>/<env>, transient and never production', () => {
    const preview: Fields = {
      environment: 'production',
      mode: 'apply',
      target: { kind: 'preview', namespace: 'pr-42' },
      trigger: pullRequest,
    };
    expect(deploymentTarget(preview)).toEqual({ environment: 'pr-42/production', transient: true, production: false });
  });

  it('has no deployment for a dry run: its outcome is the diff/<env> check run', () => {
    expect(deploymentTarget({ ...push, mode: 'dry-run', trigger: pullRequest })).toBeUndefined();
  });
});
