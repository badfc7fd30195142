import { toAwsDeployError } from '../../../../adapters/aws/aws-error.js';
import { Reason } from '../../../../core/reasons.js';

// Errors shaped as AWS SDK v3 service exceptions are: a name, a message and $metadata.httpStatusCode.
function sdkError(name: string, status: number | undefined, message = `${name} happened`): Error {
  return Object.assign(new Error(message), {
    name,
    ...(status !== undefined && { $metadata: { httpStatusCode: status } }),
  });
}

describe('toAwsDeployError', () => {
  it.each([
    ['AccessDeniedException', 400, Reason.Forbidden, true],
    ['AccessDenied', 403, Reason.Forbidden, true],
    ['Forbidden', 403, Reason.Forbidden, true],
    ['ThrottlingException', 400, Reason.RateLimited, false],
    ['SlowDown', 503, Reason.RateLimited, false],
    ['TooManyRequestsException', 429, Reason.RateLimited, false],
    ['InternalServerException', 500, Reason.RegistryUnavailable, false],
    ['ServiceUnavailableException', 503, Reason.RegistryUnavailable, false],
    ['InvalidInputException', 400, Reason.InvalidConfig, true],
    ['InvalidParameterException', 400, Reason.InvalidConfig, true],
  ])('maps %s (HTTP %s) to %s, terminal: %s', (name, status, reason, terminal) => {
    const error = toAwsDeployError(sdkError(name, status), 'ECR repository shop/catalog', 'ecr:CreateRepository');
    expect(error.reason).toBe(reason);
    expect(error.terminal).toBe(terminal);
    expect(error.message).toMatch(/^ECR repository shop\/catalog: ecr:CreateRepository /);
  });

  it('maps a connection that never answered (no HTTP status) to RegistryUnavailable', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    const error = toAwsDeployError(refused, 'CodeBuild build gantry-shop-catalog:1', 'codebuild:BatchGetBuilds');
    expect(error.reason).toBe(Reason.RegistryUnavailable);
    expect(error.terminal).toBe(false);
  });

  it('names the IAM action to allow when access is denied', () => {
    const error = toAwsDeployError(
      sdkError('AccessDeniedException', 400, 'not authorized'),
      'S3 object s3://b/k',
      's3:PutObject',
    );
    expect(error.message).toBe(
      "S3 object s3://b/k: s3:PutObject was denied (not authorized); allow s3:PutObject to the worker's IAM role (see adapters/aws/README.md)",
    );
  });
});
