import { parse } from 'yaml';
import { parseEnvConfig } from '../../../../core/config/env-config.js';
import {
  onBaseTarget,
  renderOnBaseTarget,
  targetMoveLine,
} from '../../../../core/deploy/pull-request-target.js';
import type { KubeObject } from '../../../../core/kube/object.js';

const env = (cluster: string, namespace: string, extra = '') =>
  parseEnvConfig(
    `name: dev\nbranch: main\ncluster: ${cluster}\nnamespace: ${namespace}\n${extra}`,
    'environments/dev/env.yaml',
    parse,
  );

const obj = (apiVersion: string, kind: string, name: string, namespace?: string, extra: object = {}): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace !== undefined && { namespace }) },
  ...extra,
});

describe('onBaseTarget', () => {
  it("keeps the base's cluster and namespace and the head's other fields, and says what the head moves", () => {
    const base = env('{ name: local }', 'shop-dev');
    const head = env('{ name: local, context: prod-admin }', 'kube-system', 'rollback: { automatic: false }');
    const { env: target, moved } = onBaseTarget(head, base);
    expect(target.cluster).toEqual(base.cluster);
    expect(target.namespace).toBe('shop-dev');
    expect(target.rollback).toEqual(head.rollback);
    expect(moved).toEqual({
      from: { cluster: 'local', namespace: 'shop-dev' },
      to: { cluster: 'local', context: 'prod-admin', namespace: 'kube-system' },
    });
  });

  it('reports no move when the head keeps the target, whatever else it changes', () => {
    const base = env('{ name: local }', 'shop-dev');
    const head = env('{ name: local }', 'shop-dev', 'rollback: { automatic: false }');
    expect(onBaseTarget(head, base)).toEqual({ env: head });
  });

  it("takes the base's Gateway (the head's defaults to its own namespace), and counts a changed one as a move", () => {
    const gateway = (namespace?: string) =>
      `traffic:\n  provider: gateway-api\n  gateway:\n    name: shop\n${namespace ? `    namespace: ${namespace}\n` : ''}`;
    const base = env('{ name: local }', 'shop-dev', gateway('gateway-system'));
    const { env: target, moved } = onBaseTarget(env('{ name: local }', 'other', gateway()), base);
    expect(target.traffic.gateway).toEqual({ name: 'shop', namespace: 'gateway-system' });
    expect(moved).toEqual({
      from: { cluster: 'local', namespace: 'shop-dev', gateway: 'gateway-system/shop' },
      to: { cluster: 'local', namespace: 'other', gateway: 'other/shop' },
    });
    expect(onBaseTarget(env('{ name: local }', 'shop-dev'), base).env.traffic.gateway).toEqual(base.traffic.gateway);
  });

  it('counts a cluster name that implies another context as a move', () => {
    const { moved } = onBaseTarget(env('{ name: prod-eks }', 'shop-dev'), env('{ name: local }', 'shop-dev'));
    expect(moved?.to).toEqual({ cluster: 'prod-eks', context: 'prod-eks', namespace: 'shop-dev' });
  });
});

describe('renderOnBaseTarget', () => {
  it("moves the head's namespaced objects and its own Namespace into the base's namespace, other objects as rendered", () => {
    const rendered = [
      obj('v1', 'Namespace', 'kube-system'),
      obj('apps/v1', 'Deployment', 'catalog', 'kube-system'),
      obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'catalog-reader'),
      obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'catalog', 'kube-system', {
        subjects: [{ kind: 'ServiceAccount', name: 'catalog', namespace: 'kube-system' }],
      }),
    ];
    expect(renderOnBaseTarget(rendered, 'kube-system', 'shop-dev')).toEqual([
      obj('v1', 'Namespace', 'shop-dev'),
      obj('apps/v1', 'Deployment', 'catalog', 'shop-dev'),
      obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'catalog-reader'),
      obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'catalog', 'shop-dev', {
        subjects: [{ kind: 'ServiceAccount', name: 'catalog', namespace: 'shop-dev' }],
      }),
    ]);
  });

  it('leaves a render already in the base namespace as it is', () => {
    const rendered = [obj('v1', 'Service', 'catalog', 'shop-dev')];
    expect(renderOnBaseTarget(rendered, 'shop-dev', 'shop-dev')).toEqual(rendered);
  });
});

describe('targetMoveLine', () => {
  it('names both targets and says the move is not diffed and applies once merged', () => {
    const line = targetMoveLine({
      from: { cluster: 'local', namespace: 'shop-dev' },
      to: { cluster: 'local', context: 'prod-admin', namespace: 'kube-system' },
    });
    expect(line).toBe(
      "This pull request's env.yaml moves the environment to cluster local (context prod-admin), namespace kube-system: the move is not diffed or checked for a pull request, which is diffed and checked against the base branch's target, cluster local, namespace shop-dev; the move applies once merged.",
    );
  });
});
