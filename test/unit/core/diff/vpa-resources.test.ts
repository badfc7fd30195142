import { normalizeObject } from '../../../../core/diff/normalize.js';
import { InSyncMemo } from '../../../../core/diff/in-sync.js';
import {
  ownsVpaResources,
  resourcesHandover,
  vpaIgnoreRules,
  vpaManagedPaths,
  vpaTargets,
  withoutVpaResources,
} from '../../../../core/diff/vpa-resources.js';
import type { KubeObject } from '../../../../core/kube/object.js';

const resources = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu, memory } });

const deployment = (name: string, containers: Record<string, unknown>[], metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'shop', ...metadata },
  spec: { template: { spec: { containers } } },
});
const web = deployment('web', [
  { name: 'web', image: 'web:1', resources: resources('100m', '128Mi') },
  { name: 'envoy', image: 'envoy:1', resources: resources('50m', '64Mi') },
]);
const vpa = (spec: Record<string, unknown>, target = 'web'): KubeObject => ({
  apiVersion: 'autoscaling.k8s.io/v1', kind: 'VerticalPodAutoscaler', metadata: { name: target, namespace: 'shop' },
  spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, ...spec },
});

describe('VPA-managed container resources', () => {
  it.each([
    ['an absent updateMode (Recreate)', {}],
    ['Auto', { updatePolicy: { updateMode: 'Auto' } }],
    ['InPlaceOrRecreate', { updatePolicy: { updateMode: 'InPlaceOrRecreate' } }],
  ])('with %s, manages cpu and memory requests and limits of every container', (_, spec) => {
    const [target] = vpaTargets([web, vpa(spec)]);
    expect(target?.containers.map((c) => [c.name, c.fields.map((f) => f.join('.'))])).toEqual([
      ['web', ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']],
      ['envoy', ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']],
    ]);
  });

  it.each([['Off'], ['Initial']])('with updateMode %s, manages nothing: the manifest holds', (mode) => {
    expect(vpaTargets([web, vpa({ updatePolicy: { updateMode: mode } })])).toEqual([]);
  });

  it('follows containerPolicies: a container in mode Off, controlledResources, RequestsOnly, the * default', () => {
    const policies = [
      { containerName: 'envoy', mode: 'Off' },
      { containerName: '*', controlledResources: ['memory'], controlledValues: 'RequestsOnly' },
    ];
    const [target] = vpaTargets([web, vpa({ resourcePolicy: { containerPolicies: policies } })]);
    expect(target?.containers).toEqual([{ index: 0, name: 'web', fields: [['requests', 'memory']] }]);
    expect(vpaIgnoreRules([web, vpa({ resourcePolicy: { containerPolicies: policies } })])).toEqual([
      { kind: 'Deployment', group: 'apps', name: 'web', namespace: 'shop', pointers: ['/spec/template/spec/containers/0/resources/requests/memory'] },
    ]);
  });

  it('ignores a VPA whose target is not in the render, or in another namespace', () => {
    expect(vpaTargets([web, vpa({}, 'api')])).toEqual([]);
    expect(vpaTargets([{ ...web, metadata: { name: 'web', namespace: 'other' } }, vpa({})])).toEqual([]);
  });

  it('leaves the managed values out of a diff, the rest compared as before', () => {
    const rules = vpaIgnoreRules([web, vpa({ resourcePolicy: { containerPolicies: [{ containerName: '*', controlledValues: 'RequestsOnly' }] } })]);
    const normalized = normalizeObject(web, { ignore: rules, secretSalt: 's' }) as { spec: { template: { spec: { containers: { resources: unknown }[] } } } };
    expect(normalized.spec.template.spec.containers[0]?.resources).toEqual({ requests: {}, limits: { cpu: '100m', memory: '128Mi' } });
  });

  it('applies a live workload without the managed values, dropping the maps that leaves empty', () => {
    const [target] = vpaTargets([web, vpa({ resourcePolicy: { containerPolicies: [{ containerName: 'envoy', mode: 'Off' }] } })]);
    const applied = withoutVpaResources(target!, web) as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    expect(applied.spec.template.spec.containers).toEqual([
      { name: 'web', image: 'web:1' },
      { name: 'envoy', image: 'envoy:1', resources: resources('50m', '64Mi') },
    ]);
    expect(web['spec']).toEqual(deployment('web', [{ name: 'web', image: 'web:1', resources: resources('100m', '128Mi') }, { name: 'envoy', image: 'envoy:1', resources: resources('50m', '64Mi') }])['spec']);
  });

  it('hands over the live values of every managed field, and sees when gantry still owns one', () => {
    const policies = [{ containerName: '*', controlledResources: ['cpu'] }];
    const [target] = vpaTargets([web, vpa({ resourcePolicy: { containerPolicies: policies } })]);
    const containers = { 'k:{"name":"web"}': { 'f:resources': { 'f:requests': { 'f:cpu': {} } } } };
    const entry = (manager: string, operation: string) => ({ manager, operation, fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': containers } } } } });
    const live = deployment('web', [{ name: 'web', image: 'web:1', resources: { requests: { cpu: '250m', memory: '128Mi' } } }], {
      managedFields: [entry('gantry', 'Apply'), entry('vpa-updater', 'Update')],
    });
    expect(ownsVpaResources(target!, live, 'gantry')).toBe(true);
    expect(ownsVpaResources(target!, live, 'vpa-updater')).toBe(false);
    expect(ownsVpaResources(target!, live, 'other')).toBe(false);
    expect(resourcesHandover(target!, live)).toEqual({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
      spec: { template: { spec: { containers: [{ name: 'web', resources: { requests: { cpu: '250m' } } }] } } },
    });
    expect(resourcesHandover(target!, deployment('web', [{ name: 'web', image: 'web:1' }]))).toBeUndefined();
  });

  it('names the managed fields as the live-state cache does, so the memo does not report them as drift', () => {
    const paths = vpaManagedPaths([web, vpa({ resourcePolicy: { containerPolicies: [{ containerName: '*', controlledValues: 'RequestsOnly' }] } })]);
    expect([...paths.values()]).toEqual([[
      'spec.template.spec.containers[name=web].resources.requests.cpu', 'spec.template.spec.containers[name=web].resources.requests.memory',
      'spec.template.spec.containers[name=envoy].resources.requests.cpu', 'spec.template.spec.containers[name=envoy].resources.requests.memory',
    ]]);
    const owned = (cpu: boolean) => ({
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': {
        'f:image': {}, ...(cpu && { 'f:resources': { 'f:requests': { 'f:cpu': {} } } }),
      } } } } },
    });
    const live = (image: string, cpu: string, gantryOwnsCpu: boolean) => deployment('web', [{ name: 'web', image, resources: { requests: { cpu } } }], {
      managedFields: [{ manager: 'gantry', operation: 'Apply', fieldsV1: owned(gantryOwnsCpu) }],
    });
    const memo = new InSyncMemo('gantry');
    memo.remember(web, live('web:1', '100m', true));
    memo.leaveToOthers(paths);
    const key = [...paths.keys()][0]!;
    // The VPA took the request over: not drift. The image moving still is.
    expect(memo.moved(key, live('web:1', '300m', false))).toBeUndefined();
    expect(memo.moved(key, live('web:2', '300m', false))).toEqual(['spec.template.spec.containers[name=web].image']);
  });
});
