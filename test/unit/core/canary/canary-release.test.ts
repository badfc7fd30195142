import { canaryRelease, withoutHeldBack } from '../../../../core/canary/canary-release.js';
import type { PlannedCanary } from '../../../../core/canary/plan-canaries.js';
import type { ChangeSet } from '../../../../core/diff/change-set.js';
import { refOf, type KubeObject } from '../../../../core/kube/object.js';

const deployment = (name: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop-staging' },
  spec: { template: { metadata: { labels: { app: name } } } },
});
const service = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'shop-staging' },
  spec: { selector: { app: name }, ports: [{ port: 80 }] },
});
const planned = (name: string): PlannedCanary => ({
  app: name,
  file: `apps/${name}/app.yaml`,
  field: 'canary',
  canary: {
    steps: [{ weight: 50, pause: 1_000 }],
    interval: 1_000,
    analysis: {},
  } as unknown as PlannedCanary['canary'],
  target: { provider: 'gateway-api', gateway: { name: 'gw', namespace: 'gateway-system' } },
  deployment: deployment(name),
  service: service(name),
});
const image = { kind: 'changed' as const, path: '/spec/template/spec/containers/0/image', before: 'a:1', after: 'a:2' };

describe('canaryRelease', () => {
  const catalog = planned('catalog');
  const storefront = planned('storefront');
  const orders = planned('orders');
  const cart = planned('cart');
  const changeSet: ChangeSet = {
    entries: [
      { action: 'configured', ref: refOf(catalog.deployment), diff: [image] },
      { action: 'created', ref: refOf(storefront.deployment) },
      {
        action: 'configured',
        ref: refOf(orders.deployment),
        diff: [{ kind: 'changed', path: '/spec/replicas', before: 1, after: 2 }],
      },
      { action: 'unchanged', ref: refOf(cart.deployment) },
      {
        action: 'configured',
        ref: refOf(catalog.service),
        diff: [{ kind: 'added', path: '/metadata/labels/x', after: 'y' }],
      },
    ],
  };

  it('walks only the canaries whose live Deployment this release gives a new pod template', () => {
    const release = canaryRelease(changeSet, [catalog, storefront, orders, cart]);
    expect(release.walks.map((c) => c.app)).toEqual(['catalog']);
  });

  it("holds back the walked stable Deployment's new template and nothing else", () => {
    const release = canaryRelease(changeSet, [catalog, storefront, orders, cart]);
    const objects = [catalog.deployment, catalog.service, storefront.deployment, orders.deployment];
    expect(withoutHeldBack(objects, release)).toEqual([catalog.service, storefront.deployment, orders.deployment]);
  });

  it('walks nothing when nothing is planned', () => {
    const release = canaryRelease(changeSet, []);
    expect(release.walks).toEqual([]);
    expect(release.heldBack.size).toBe(0);
  });
});
