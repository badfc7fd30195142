// Every AWS call of the builder goes through `callAws`, so an SDK failure becomes one DeployError with a reason the
// queue understands. The SDK has already retried what it considers transient (throttling, 5xx, connection resets:
// standard retry mode, exponential backoff with jitter) before we see an error; what reaches here is final for this
// attempt, and the reason tells the queue whether a later attempt may help.
import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';

/** The fields AWS SDK v3 service exceptions carry (ServiceException); parsed loosely, never trusted. */
interface SdkErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

// Error codes AWS services use for a denied call: ECR, CodeBuild and Logs say AccessDeniedException, S3 says
// AccessDenied (and a bodyless 403 for HEAD requests, which the SDK names Forbidden).
const DENIED = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnauthorizedOperation',
  'Forbidden',
  'UnrecognizedClientException',
]);

// The throttling codes the SDK's own retry strategy recognises (@smithy/service-error-classification); S3 answers
// SlowDown, the JSON services ThrottlingException.
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'TimeoutError',
]);

/**
 * Turns a failed AWS call into a DeployError whose message starts with `object` and names the IAM `action`.
 *
 * AccessDenied → Forbidden (terminal: only a policy change helps, and the message says which action to allow);
 * throttling → RateLimited and 5xx or no answer → RegistryUnavailable (both retryable, the SDK's own retries being
 * spent); any other 4xx → InvalidConfig (terminal: the request itself is wrong, e.g. a role ARN CodeBuild rejects).
 */
export function toAwsDeployError(error: unknown, object: string, action: string): DeployError {
  if (error instanceof DeployError) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = typeof shape.name === 'string' ? shape.name : '';
  const code = typeof shape.code === 'string' ? shape.code : '';
  const status = typeof shape.$metadata?.httpStatusCode === 'number' ? shape.$metadata.httpStatusCode : undefined;
  const detail = typeof shape.message === 'string' && shape.message !== '' ? shape.message : name || String(error);
  if (DENIED.has(name) || status === 403)
    return new DeployError(
      Reason.Forbidden,
      `${object}: ${action} was denied (${detail}); allow ${action} to the worker's IAM role (see adapters/aws/README.md)`,
      { cause: error },
    );
  if (THROTTLED.has(name) || status === 429)
    return new DeployError(Reason.RateLimited, `${object}: ${action} was throttled by AWS (${detail})`, {
      cause: error,
    });
  if (
    (status !== undefined && status >= 500) ||
    NETWORK_CODES.has(code) ||
    NETWORK_CODES.has(name) ||
    status === undefined
  )
    return new DeployError(
      Reason.RegistryUnavailable,
      `${object}: ${action} got no usable answer from AWS (${detail})`,
      { cause: error },
    );
  return new DeployError(Reason.InvalidConfig, `${object}: ${action} was rejected (${name}: ${detail})`, {
    cause: error,
  });
}

/** True when `error` is the AWS exception named `name` (for the few codes a caller handles itself). */
export function isAwsError(error: unknown, ...names: readonly string[]): boolean {
  return typeof error === 'object' && error !== null && names.includes((error as SdkErrorShape).name as string);
}

/**
 * Runs one AWS call as the IAM `action` (`ecr:CreateRepository`) on `object` (`ECR repository shop/catalog`),
 * mapping its failure with {@link toAwsDeployError}. `handle` may turn an expected exception (already exists, not
 * found) into a value; it returns undefined to let the error through.
 */
export async function callAws<T, R = never>(
  object: string,
  action: string,
  run: () => Promise<T>,
  handle?: (error: unknown) => { value: R } | undefined,
): Promise<T | R> {
  try {
    return await run();
  } catch (error) {
    // An aborted call (the job was cancelled) is not an AWS failure: let the abort through as it is.
    if (isAwsError(error, 'AbortError')) throw error;
    const handled = handle?.(error);
    if (handled) return handled.value;
    throw toAwsDeployError(error, object, action);
  }
}
