import { fromFailure, fromResponse } from '../../../../adapters/kube/errors.js';
import type { KubeResponse } from '../../../../adapters/kube/transport.js';
import type { ObjectRef } from '../../../../core/kube/object.js';
import { ClusterError } from '../../../../core/ports/cluster-error.js';

const api: ObjectRef = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop-dev', name: 'api' };
const status = (code: number, message: string, extra: object = {}) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code, ...extra });
const response = (code: number, body: unknown, headers: KubeResponse['headers'] = {}): KubeResponse => ({ status: code, body, headers });

describe('fromResponse: what the apiserver said, as a ClusterError', () => {
  it.each([
    ['a 422 about an immutable field', 422, status(422, 'Deployment.apps "api" is invalid: spec.selector: Invalid value: {}: field is immutable', { reason: 'Invalid', details: { causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: {}: field is immutable', field: 'spec.selector' }] } }), 'ImmutableFieldChanged', 'ImmutableFieldChanged', false],
    ['a 422 about a Service IP', 422, status(422, 'Service "s" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.0.9"]: may not change once set', { reason: 'Invalid' }), 'ImmutableFieldChanged', 'ImmutableFieldChanged', false],
    ['any other 422', 422, status(422, 'Deployment.apps "api" is invalid: spec.template.spec.containers: Required value', { reason: 'Invalid' }), 'Invalid', 'ValidationFailed', false],
    ['a 500 for a body that does not fit the schema', 500, status(500, 'failed to create typed patch object (shop-dev/api; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string'), 'Invalid', 'ValidationFailed', false],
    ['a 409 field-manager conflict', 409, status(409, 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas', { reason: 'Conflict', details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' }] } }), 'FieldManagerConflict', 'ApplyFailed', false],
    ['a 409 optimistic-concurrency conflict', 409, status(409, 'Operation cannot be fulfilled: the object has been modified', { reason: 'Conflict' }), 'Conflict', 'Conflict', true],
    ['a 404 for the namespace', 404, status(404, 'namespaces "shop-dev" not found', { reason: 'NotFound', details: { name: 'shop-dev', kind: 'namespaces' } }), 'NamespaceNotFound', 'NotFound', false],
    ['a 404 for the object', 404, status(404, 'deployments.apps "api" not found', { reason: 'NotFound', details: { name: 'api', group: 'apps', kind: 'deployments' } }), 'NotFound', 'NotFound', false],
    ['a 404 for the path itself', 404, status(404, 'the server could not find the requested resource', { reason: 'NotFound', details: {} }), 'KindNotFound', 'NotFound', false],
    ['a 403', 403, status(403, 'deployments.apps "api" is forbidden: User "ci" cannot patch resource', { reason: 'Forbidden' }), 'Forbidden', 'Forbidden', false],
    ['a 401', 401, status(401, 'Unauthorized', { reason: 'Unauthorized' }), 'Unauthorized', 'Forbidden', false],
    ['a 413', 413, status(413, 'Request entity too large: limit is 3145728'), 'TooLarge', 'ApplyFailed', false],
    ['a 503', 503, 'service unavailable', 'ServerError', 'ApiServerError', true],
    ['a 504', 504, status(504, 'Timeout: request did not complete within requested timeout', { reason: 'Timeout' }), 'Timeout', 'RequestTimeout', true],
  ])('classifies %s', (_what, code, body, expectedCode, reason, retryable) => {
    const error = fromResponse(response(code, body), { operation: 'apply', ref: api });

    expect(error.code).toBe(expectedCode);
    expect(error.reason).toBe(reason);
    expect(error.retryable).toBe(retryable);
    expect(error.terminal).toBe(!retryable);
    expect(error.status).toBe(code);
    expect(error.message.startsWith('Deployment/shop-dev/api apply failed: ')).toBe(true);
  });

  it('keeps the server’s Retry-After for a 429', () => {
    const error = fromResponse(response(429, status(429, 'Too many requests'), { 'retry-after': '2' }), { operation: 'apply', ref: api });

    expect([error.code, error.reason, error.retryable, error.retryAfterMs]).toEqual(['Throttled', 'RateLimited', true, 2000]);
  });

  it('names the subject when there is no object', () => {
    const error = fromResponse(response(403, status(403, 'secrets is forbidden')), { operation: 'list', subject: 'Secret (v1) in shop-dev' });

    expect(error.message).toBe('Secret (v1) in shop-dev list failed: secrets is forbidden');
  });
});

describe('fromFailure: no response at all', () => {
  const errno = (code: string, message: string) => Object.assign(new Error(message), { code });

  it('calls a refused connection "cluster unreachable", retryable', () => {
    const error = fromFailure(errno('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6443'), { operation: 'dry-run', ref: api }) as ClusterError;

    expect(error).toBeInstanceOf(ClusterError);
    expect([error.code, error.reason, error.retryable]).toEqual(['ClusterUnreachable', 'ClusterUnreachable', true]);
    expect(error.message).toBe('Deployment/shop-dev/api dry-run failed: cluster unreachable: connect ECONNREFUSED 127.0.0.1:6443');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('calls a request that ran out of time a timeout', () => {
    const error = fromFailure(errno('ETIMEDOUT', 'no response within 30000 ms'), { operation: 'get', ref: api }) as ClusterError;

    expect([error.code, error.reason, error.retryable]).toEqual(['Timeout', 'RequestTimeout', true]);
  });

  it('hands back the caller’s own reason when its signal aborted the request', () => {
    const controller = new AbortController();
    const reason = new Error('superseded');
    controller.abort(reason);

    expect(fromFailure(new Error('This operation was aborted'), { operation: 'apply', ref: api }, controller.signal)).toBe(reason);
  });
});
