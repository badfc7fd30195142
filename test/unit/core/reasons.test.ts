import { DeployError } from '../../../core/deploy-error.js';
import { isReason, isRetryable, Reason, reasonForHttpStatus } from '../../../core/reasons.js';

describe('reasons', () => {
  it('names every reason by itself, so a stored reason reads back as the same constant', () => {
    for (const [key, value] of Object.entries(Reason)) expect(key).toBe(value);
  });

  it.each([Reason.ClusterUnreachable, Reason.ApiServerError, Reason.RateLimited, Reason.Conflict, Reason.RequestTimeout, Reason.GitFetchFailed, Reason.QueueUnavailable, Reason.MetricsUnavailable])(
    'retries %s',
    (reason) => expect(isRetryable(reason)).toBe(true),
  );

  it.each([
    Reason.InvalidConfig,
    Reason.RenderFailed,
    Reason.ValidationFailed,
    Reason.ImmutableFieldChanged,
    Reason.ApplyTimedOut,
    Reason.ProgressDeadlineExceeded,
    Reason.HealthCheckTimeout,
    Reason.PruneRefusedEmptyRender,
    Reason.RollbackFailed,
    Reason.Superseded,
    Reason.CanaryAborted,
    Reason.CrashLoopBackOff,
  ])('never retries %s', (reason) => expect(isRetryable(reason)).toBe(false));

  it.each([
    [429, '', Reason.RateLimited],
    [500, '', Reason.ApiServerError],
    [503, '', Reason.ApiServerError],
    [409, 'the object has been modified', Reason.Conflict],
    [408, '', Reason.RequestTimeout],
    [400, 'json: cannot unmarshal', Reason.ValidationFailed],
    [422, 'spec.replicas: Invalid value: -1', Reason.ValidationFailed],
    [422, 'Service "api" is invalid: spec.clusterIPs[0]: Invalid value: ["10.0.0.9"]: may not change once set; field is immutable', Reason.ImmutableFieldChanged],
    [403, 'forbidden', Reason.Forbidden],
    [404, 'the server could not find the requested resource', Reason.NotFound],
    [418, '', Reason.ApplyFailed],
  ])('classifies HTTP %i (%s) as %s', (status, message, reason) => {
    expect(reasonForHttpStatus(status, message)).toBe(reason);
  });

  it('recognizes stored reason names and nothing else', () => {
    expect(isReason('ApplyFailed')).toBe(true);
    expect(isReason('applyfailed')).toBe(false);
    expect(isReason('toString')).toBe(false);
    expect(isReason(3)).toBe(false);
  });
});

describe('DeployError', () => {
  const ref = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'api' };

  it('starts its message with the object it blames and keeps the cause', () => {
    const cause = new Error('HTTP 422');
    const error = new DeployError(Reason.ValidationFailed, 'dry-run failed: spec.replicas: Invalid value: -1', { ref, cause });
    expect(error.message).toBe('Deployment/shop/api dry-run failed: spec.replicas: Invalid value: -1');
    expect(error.cause).toBe(cause);
    expect(error.ref).toBe(ref);
    expect(error).toBeInstanceOf(Error);
  });

  it('is terminal exactly when its reason is not retryable', () => {
    expect(new DeployError(Reason.RenderFailed, 'x').terminal).toBe(true);
    expect(new DeployError(Reason.ApiServerError, 'x').terminal).toBe(false);
  });
});
