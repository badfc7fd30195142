import { describe, expect, it } from '@jest/globals';
import { isClusterScoped, setSchemaScopes, withSchemaScopes } from '../../../kustomize/resource/res-id.js';
import { Resource } from '../../../kustomize/resource/resource.js';

// Resource keeps its last id and previous ids while the fields they come from are unchanged; transformers edit the
// object in place, so every such edit must show in the next answer.
describe('Resource ids follow edits made in place', () => {
  const deployment = () =>
    new Resource({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' } });

  it('curId reflects a name, namespace, kind or apiVersion written straight into the object', () => {
    const resource = deployment();
    expect(resource.curId()).toEqual({ gvk: { group: 'apps', version: 'v1', kind: 'Deployment' }, name: 'web', namespace: 'shop' });
    (resource.obj['metadata'] as Record<string, unknown>)['name'] = 'web-v2';
    (resource.obj['metadata'] as Record<string, unknown>)['namespace'] = 'prod';
    expect(resource.curId()).toMatchObject({ name: 'web-v2', namespace: 'prod' });
    resource.obj['apiVersion'] = 'extensions/v1beta1';
    resource.setKind('DaemonSet');
    expect(resource.gvk()).toEqual({ group: 'extensions', version: 'v1beta1', kind: 'DaemonSet' });
  });

  it('returns the same id while nothing changed, and a new one after a setter', () => {
    const resource = deployment();
    const first = resource.curId();
    expect(resource.curId()).toBe(first);
    resource.setNamespace('');
    expect(resource.curId()).not.toBe(first);
    expect(resource.curId().namespace).toBe('');
  });

  it('prevIds follow storePreviousId and annotations rewritten by hand', () => {
    const resource = deployment();
    expect(resource.prevIds()).toEqual([]);
    resource.storePreviousId('shop');
    resource.setName('web-renamed');
    expect(resource.prevIds()).toEqual([{ gvk: { group: 'apps', version: 'v1', kind: 'Deployment' }, name: 'web', namespace: 'shop' }]);
    resource.setAnnotation('internal.config.kubernetes.io/previousNames', 'api,web');
    resource.setAnnotation('internal.config.kubernetes.io/previousNamespaces', 'default,shop');
    resource.setAnnotation('internal.config.kubernetes.io/previousKinds', 'Deployment,Deployment');
    expect(resource.prevIds().map((id) => id.name)).toEqual(['api', 'web']);
    expect(resource.orgId().name).toBe('api');
  });

  it('still refuses previous-id annotations of different lengths on every call', () => {
    const resource = deployment();
    resource.setAnnotation('internal.config.kubernetes.io/previousNames', 'a,b');
    expect(() => resource.prevIds()).toThrow('not equal');
    expect(() => resource.prevIds()).toThrow('not equal');
  });

  it('knows cluster-scoped kinds from a reused id', () => {
    const namespace = new Resource({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    expect(isClusterScoped(namespace.gvk())).toBe(true);
    expect(isClusterScoped(namespace.gvk())).toBe(true);
    expect(isClusterScoped(deployment().gvk())).toBe(false);
  });
});

// kyaml's IsNamespaceScoped: its precomputed table first, then the custom schema's paths; a kind neither knows is
// namespaced. The answers for one reused Gvk must follow the schema as it changes during a build.
describe('cluster scope under a custom OpenAPI schema', () => {
  const gvk = (apiVersion: string, kind: string) => new Resource({ apiVersion, kind, metadata: { name: 'x' } }).gvk();
  const tenant = gvk('example.com/v1', 'Tenant');
  const configMap = gvk('v1', 'ConfigMap');
  const clusterRole = gvk('rbac.authorization.k8s.io/v1', 'ClusterRole');
  const schema = new Map([
    ['example.com/v1 Tenant', 'Cluster'],
    ['v1 ConfigMap', 'Cluster'],
    ['rbac.authorization.k8s.io/v1 ClusterRole', 'Namespaced'],
  ] as const);

  it('takes the schema scope of a kind kustomize does not know, and only while the schema is in force', () => {
    withSchemaScopes(() => {
      expect(isClusterScoped(tenant)).toBe(false);
      setSchemaScopes(schema);
      expect(isClusterScoped(tenant)).toBe(true);
      expect(isClusterScoped(gvk('example.com/v1', 'Gadget'))).toBe(false);
      setSchemaScopes(undefined);
      expect(isClusterScoped(tenant)).toBe(false);
      setSchemaScopes(schema);
    });
    expect(isClusterScoped(tenant)).toBe(false);
  });

  it('keeps the scope of kinds in kustomize\'s precomputed table whatever the schema says', () => {
    withSchemaScopes(() => {
      setSchemaScopes(schema);
      expect(isClusterScoped(configMap)).toBe(false);
      expect(isClusterScoped(clusterRole)).toBe(true);
    });
  });
});
