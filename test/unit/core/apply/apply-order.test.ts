import { APPLY_STAGES, pruneStagesFor, stageOf, stagesFor } from '../../../../core/apply/apply-order.js';
import { formatRef, refOf } from '../../../../core/kube/object.js';
import { obj, ref } from '../kube-objects.js';

describe('stagesFor', () => {
  it('orders a typical environment so that everything comes after what it depends on', () => {
    const objects = [
      obj('gateway.networking.k8s.io/v1', 'HTTPRoute', 'storefront'),
      obj('autoscaling/v2', 'HorizontalPodAutoscaler', 'catalog'),
      obj('apps/v1', 'Deployment', 'catalog'),
      obj('v1', 'Service', 'catalog'),
      obj('storage.k8s.io/v1', 'StorageClass', 'gp3', null),
      obj('v1', 'PersistentVolumeClaim', 'data'),
      obj('v1', 'ConfigMap', 'catalog-config'),
      obj('v1', 'Secret', 'db'),
      obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'catalog'),
      obj('v1', 'ServiceAccount', 'catalog'),
      obj('networking.k8s.io/v1', 'NetworkPolicy', 'default-deny'),
      obj('v1', 'Namespace', 'shop', null),
      obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com', null),
      obj('example.com/v1', 'Widget', 'w'),
      obj('appmesh.k8s.aws/v1beta2', 'VirtualService', 'catalog'),
      obj('appmesh.k8s.aws/v1beta2', 'VirtualRouter', 'catalog'),
      obj('appmesh.k8s.aws/v1beta2', 'VirtualNode', 'catalog-v2'),
      obj('policy/v1', 'PodDisruptionBudget', 'catalog'),
    ];
    const stages = stagesFor(objects).map((s) => [s.stage, s.items.map((o) => formatRef(refOf(o)))]);
    expect(stages).toEqual([
      ['crds', ['CustomResourceDefinition/widgets.example.com']],
      ['namespaces', ['Namespace/shop']],
      ['cluster-config', ['NetworkPolicy/shop/default-deny']],
      ['identity', ['RoleBinding/shop/catalog', 'ServiceAccount/shop/catalog']],
      ['config', ['ConfigMap/shop/catalog-config', 'Secret/shop/db']],
      ['storage', ['PersistentVolumeClaim/shop/data', 'StorageClass/gp3']],
      ['services', ['Service/shop/catalog']],
      ['workloads', ['Deployment/shop/catalog']],
      ['scaling', ['HorizontalPodAutoscaler/shop/catalog', 'PodDisruptionBudget/shop/catalog']],
      ['custom-resources', ['Widget/shop/w']],
      ['traffic-backends', ['VirtualNode/shop/catalog-v2']],
      ['traffic-routers', ['VirtualRouter/shop/catalog']],
      ['traffic-routes', ['HTTPRoute/shop/storefront', 'VirtualService/shop/catalog']],
    ]);
  });

  it('tells kinds apart by group: a Knative Service is not a core Service', () => {
    expect(stageOf({ group: '', kind: 'Service' })).toBe('services');
    expect(stageOf({ group: 'serving.knative.dev', kind: 'Service' })).toBe('custom-resources');
  });

  it('returns no stages for no objects', () => {
    expect(stagesFor([])).toEqual([]);
  });

  it('prunes in the reverse order: routes first, namespaces last', () => {
    const refs = [ref('v1', 'Namespace', 'old', null), ref('apps/v1', 'Deployment', 'a'), ref('gateway.networking.k8s.io/v1', 'HTTPRoute', 'a'), ref('v1', 'ConfigMap', 'a')];
    expect(pruneStagesFor(refs).map((s) => s.stage)).toEqual(['traffic-routes', 'workloads', 'config', 'namespaces']);
  });

  it('lists every stage once', () => {
    expect(new Set(APPLY_STAGES).size).toBe(APPLY_STAGES.length);
  });
});
