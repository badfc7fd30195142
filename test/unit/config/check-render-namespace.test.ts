import { checkRenderNamespace, objectsOutsideNamespace } from '../../../core/config/check-render-namespace.js';
import type { KubeObject } from '../../../core/kube/object.js';

const obj = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
  apiVersion,
  kind,
  metadata: namespace === undefined ? { name } : { name, namespace },
});
const files = { envFile: 'environments/dev/env.yaml', overlay: 'environments/dev' };

describe('checkRenderNamespace: a render stays in env.yaml namespace', () => {
  it.each<[string, KubeObject[]]>([
    [
      'namespaced objects in the namespace',
      [obj('apps/v1', 'Deployment', 'api', 'shop-dev'), obj('v1', 'Service', 'api', 'shop-dev')],
    ],
    ["the environment's own Namespace", [obj('v1', 'Namespace', 'shop-dev')]],
    [
      'cluster-scoped objects',
      [
        obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader'),
        obj('storage.k8s.io/v1', 'StorageClass', 'gp3'),
        obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com'),
      ],
    ],
  ])('accepts %s', (_, objects) => {
    expect(checkRenderNamespace(objects, 'shop-dev', files)).toBeUndefined();
  });

  it('refuses objects in another namespace and a Namespace renamed with them, naming both namespaces and the objects', () => {
    const objects = [
      obj('v1', 'Namespace', 'shop-new'),
      obj('apps/v1', 'Deployment', 'api', 'shop-new'),
      obj('v1', 'ConfigMap', 'settings', 'shop-dev'),
      obj('storage.k8s.io/v1', 'StorageClass', 'gp3'),
    ];

    const error = checkRenderNamespace(objects, 'shop-dev', files);

    expect(error?.file).toBe('environments/dev/env.yaml');
    expect(error?.issues).toEqual([
      {
        path: 'namespace',
        message: expect.stringContaining(
          'is "shop-dev" but environments/dev renders 2 objects into "shop-new": Namespace/shop-new, Deployment/shop-new/api.',
        ),
      },
    ]);
    expect(error?.message).toContain('set namespace: shop-dev in environments/dev/kustomization.yaml');
  });

  it('names ten objects and counts the rest', () => {
    const objects = Array.from({ length: 13 }, (_, i) => obj('v1', 'ConfigMap', `c${i}`, i % 2 ? 'a' : 'b'));

    const message = checkRenderNamespace(objects, 'shop-dev', files)?.message ?? '';

    expect(message).toContain('renders 13 objects into "a", "b"');
    expect(message).toContain('ConfigMap/a/c9 and 3 more.');
    expect(message).not.toContain('c10');
  });

  it('leaves a namespaced object without a namespace to the server dry-run', () => {
    expect(objectsOutsideNamespace([obj('apps/v1', 'Deployment', 'api')], 'shop-dev')).toEqual([]);
  });
});
