import { parse } from 'yaml';
import { parseEnvConfig } from '../../../../core/config/env-config.js';
import type { DeployRequest } from '../../../../core/deploy/deploy-request.js';
import {
  changedEnvFields,
  invalidNamespaceName,
  policyCommit,
  previewEnvConfig,
  previewEnvironmentName,
  previewNamespaceObjects,
  previewUrls,
  relocateToPreview,
} from '../../../../core/deploy/preview.js';
import type { KubeObject } from '../../../../core/kube/object.js';

const env = (preview: string) =>
  parseEnvConfig(
    `name: dev\nbranch: main\ncluster: { name: local }\nnamespace: shop-dev\nrollback: { automatic: true }\npreview:\n${preview}`,
    'environments/dev/env.yaml',
    parse,
  );

const obj = (apiVersion: string, kind: string, name: string, namespace?: string, extra: object = {}): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace !== undefined && { namespace }) },
  ...extra,
});

describe('relocateToPreview', () => {
  it("moves the environment's objects into the preview namespace and skips every cluster-scoped one", () => {
    const rendered = [
      obj('v1', 'Namespace', 'shop-dev'),
      obj('apps/v1', 'Deployment', 'catalog', 'shop-dev'),
      obj('v1', 'Service', 'catalog', 'shop-dev'),
      obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'catalog-reader'),
      obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'catalog', 'shop-dev', {
        subjects: [
          { kind: 'ServiceAccount', name: 'catalog', namespace: 'shop-dev' },
          { kind: 'ServiceAccount', name: 'monitor', namespace: 'monitoring' },
        ],
      }),
    ];

    const { objects, skipped } = relocateToPreview(rendered, 'shop-dev', 'shop-pr-12');

    expect(objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'Deployment/shop-pr-12/catalog',
      'Service/shop-pr-12/catalog',
      'RoleBinding/shop-pr-12/catalog',
    ]);
    expect(objects[2]?.['subjects']).toEqual([
      { kind: 'ServiceAccount', name: 'catalog', namespace: 'shop-pr-12' },
      { kind: 'ServiceAccount', name: 'monitor', namespace: 'monitoring' },
    ]);
    expect(skipped.map((ref) => `${ref.kind}/${ref.name}`)).toEqual(['Namespace/shop-dev', 'ClusterRole/catalog-reader']);
    // The render itself is not modified (it may be reused).
    expect(rendered[1]?.metadata.namespace).toBe('shop-dev');
    expect(previewUrls(objects)).toEqual(['catalog.shop-pr-12.svc.cluster.local']);
  });
});

describe('previewNamespaceObjects', () => {
  it('labels the namespace with its owner and adds the configured quota, limits and network boundary', () => {
    const config = env(
      '  enabled: true\n  quota: { pods: 10, requests.cpu: "2" }\n  limits: { default: { cpu: 500m } }\n  allowFrom: [ingress-nginx]\n',
    );
    const objects = previewNamespaceObjects(config, 'shop-dev-pr-12', {
      repository: 'octo-org/shop',
      pullRequest: 12,
      headSha: 'a'.repeat(40),
      deployedAt: Date.parse('2026-12-04T10:00:00Z'),
    });

    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'ResourceQuota', 'LimitRange', 'NetworkPolicy']);
    expect(objects[0]?.metadata).toEqual({
      name: 'shop-dev-pr-12',
      labels: {
        'gantry.dev/preview-of': 'dev',
        'gantry.dev/pull-request': '12',
        'gantry.dev/head-commit': 'a'.repeat(40),
        'gantry.dev/repository': 'octo-org.shop',
      },
      // preview.ttl defaults to a week after the deploy.
      annotations: { 'gantry.dev/repository': 'octo-org/shop', 'gantry.dev/expires-at': '2026-12-11T10:00:00.000Z' },
    });
    expect(objects[1]?.['spec']).toEqual({ hard: { pods: '10', 'requests.cpu': '2' } });
    expect(objects[2]?.['spec']).toEqual({ limits: [{ type: 'Container', default: { cpu: '500m' } }] });
    expect(objects[3]?.['spec']).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ podSelector: {} }] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] },
      ],
    });
  });

  it('without quota or limits configured, makes the namespace and its boundary only (same-namespace traffic only)', () => {
    const objects = previewNamespaceObjects(env('  enabled: true\n'), 'shop-dev-pr-3', {
      repository: 'o/r',
      pullRequest: 3,
      headSha: 'b'.repeat(40),
      deployedAt: 0,
    });
    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'NetworkPolicy']);
    expect((objects[1]?.['spec'] as { ingress: unknown[] }).ingress).toEqual([{ from: [{ podSelector: {} }] }]);
  });
});

describe('preview identity', () => {
  it("names the GitHub environment pr-<n>/<env> and never rolls a preview back", () => {
    expect(previewEnvironmentName('dev', 12)).toBe('pr-12/dev');
    const config = previewEnvConfig(env('  enabled: true\n'), 'shop-dev-pr-12');
    expect(config.namespace).toBe('shop-dev-pr-12');
    expect(config.rollback.automatic).toBe(false);
    expect(config.name).toBe('dev');
  });

  it.each([
    ['shop-pr-12', undefined],
    [`${'p'.repeat(53)}-1234567890`, '64 characters'],
    ['shop_pr_12', 'not a namespace name'],
    ['shop-pr-', 'not a namespace name'],
  ])('checks %s as a namespace name', (name, problem) => {
    const answer = invalidNamespaceName(name);
    if (problem === undefined) expect(answer).toBeUndefined();
    else expect(answer).toContain(problem);
  });
});

describe("a preview's configuration", () => {
  it("comes from the base branch's commit for a preview, from the commit itself otherwise", () => {
    const request = {
      sha: 'h'.repeat(40),
      before: 'b'.repeat(40),
      target: { kind: 'environment' },
    } as const satisfies Partial<DeployRequest>;
    expect(policyCommit({ ...request, target: { kind: 'preview', namespace: 'shop-pr-1' } } as DeployRequest)).toBe('b'.repeat(40));
    expect(policyCommit(request as unknown as DeployRequest)).toBe('h'.repeat(40));
  });

  it('lists the top-level env.yaml fields a head changes, nested changes and reordered maps included', () => {
    const base = env('  enabled: true\n  quota: { pods: "10", cpu: "2" }\n');
    expect(changedEnvFields(base, env('  enabled: true\n  quota: { cpu: "2", pods: "10" }\n'))).toEqual([]);
    expect(changedEnvFields(base, env('  enabled: true\n  quota: { pods: "100", cpu: "2" }\n'))).toEqual(['preview']);
    expect(changedEnvFields(base, env('  enabled: true\n  allowFrom: [kube-system]\n  quota: { pods: "10", cpu: "2" }\n'))).toEqual(['preview']);
    const moved = { ...env('  enabled: true\n  quota: { pods: "10", cpu: "2" }\n'), namespace: 'elsewhere' };
    expect(changedEnvFields(base, moved)).toEqual(['namespace']);
  });
});
