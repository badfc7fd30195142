// The storefront sample app (the one carrying the App Mesh Envoy sidecar) canaried by the deploy stage in an
// environment shaped like staging (high availability, its HPA at three replicas, the sidecar's virtual node patch),
// once through the Gateway API and once through App Mesh with AWS Cloud Map discovery (moto on the platform).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateHttpNamespaceCommand,
  paginateListInstances,
  paginateListNamespaces,
  paginateListServices,
  ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import type { KubeObject, ObjectRef } from '../../../core/kube/object.js';
import { APPMESH_API } from '../../../adapters/traffic/appmesh/index.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import { awsClientConfig } from '../../platform/connect.js';
import { createGitFixture, type GitFixture } from '../../platform/git-fixtures.js';
import { GATEWAY_API, httpRoute, virtualRouter, watchSplits } from './canary-test-kit.js';
import { ENV, liveByName, openWorkerKit, pushRequest, testContext, type TestRepo, type WorkerKit } from './worker-test-kit.js';
import { uniqueName } from '../../platform/connect.js';

const STOREFRONT = 'registry.local/shop/storefront';

/** The files of a project folder, keyed by their path in the repository. */
async function filesOf(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of await readdir(join(process.cwd(), dir)))
    files[`${dir}/${name}`] = await readFile(join(process.cwd(), dir, name), 'utf8');
  return files;
}

/**
 * The sample storefront app.yaml with three short steps (5, 20, 50 %; the second pausing `second`); `pinned: false`
 * drops its App Mesh pin.
 */
async function storefrontApp(pinned: boolean, second = '1s'): Promise<string> {
  const appYaml = (await readFile(join(process.cwd(), 'apps/storefront/app.yaml'), 'utf8')).replace(
    /canary:\n {2}steps:\n[\s\S]*? {2}interval: 30s\n/,
    `canary:\n  steps:\n    - weight: 5\n      pause: 1s\n    - weight: 20\n      pause: ${second}\n    - weight: 50\n      pause: 1s\n  interval: 1s\n`,
  );
  if (!appYaml.includes('pause: 1s')) throw new Error('apps/storefront/app.yaml: no canary steps to shorten');
  return pinned ? appYaml : appYaml.replace(/\n(#[^\n]*\n)*traffic:\n {2}provider: appmesh\n/, '\n');
}

/**
 * environments/dev as staging has it for storefront: its namespace, the high-availability component, the Envoy's
 * virtual node, the session secret; the strategy `canary` (or `rolling`), the Gateway and the mesh in this test's
 * namespace, and App Mesh's virtual nodes found through the Cloud Map namespace `cloudMap`.
 */
function stagingLike(namespace: string, tag: string, strategy: 'canary' | 'rolling', cloudMap: string) {
  const dir = `environments/${ENV}`;
  return {
    [`${dir}/env.yaml`]: [
      `name: ${ENV}`,
      'branch: main',
      'cluster:\n  name: local',
      `namespace: ${namespace}`,
      'apply:\n  prune: true',
      `rollout:\n  strategy: ${strategy}\n  timeout: 45s`,
      'rollback:\n  automatic: false',
      'traffic:',
      '  provider: gateway-api',
      `  gateway:\n    name: shop-gateway\n    namespace: ${namespace}`,
      `  mesh: ${namespace}-mesh`,
      `  discovery:\n    type: cloud-map\n    namespace: ${cloudMap}`,
      '',
    ].join('\n'),
    [`${dir}/namespace.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`,
    [`${dir}/secrets/storefront-session.env`]: 'session-secret=test-sample-not-a-real-secret\n',
    [`${dir}/patches/storefront-mesh.yaml`]: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:\n  name: storefront',
      'spec:\n  template:\n    spec:\n      containers:',
      '        - name: envoy\n          env:',
      `            - name: APPMESH_RESOURCE_ARN\n              value: mesh/${namespace}-mesh/virtualNode/storefront_${namespace}`,
      '',
    ].join('\n'),
    [`${dir}/kustomization.yaml`]: [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      `namespace: ${namespace}`,
      'resources:\n  - namespace.yaml\n  - ../../apps/storefront/base',
      'components:\n  - ../components/high-availability',
      'labels:\n  - pairs:\n      app.kubernetes.io/part-of: shop\n    includeTemplates: true',
      `images:\n  - name: shop/storefront\n    newName: ${STOREFRONT}\n    newTag: ${tag}`,
      'configMapGenerator:\n  - name: shop-environment\n    literals:\n      - ENVIRONMENT=staging',
      'secretGenerator:\n  - name: storefront-session\n    envs:\n      - secrets/storefront-session.env',
      'patches:\n  - path: patches/storefront-mesh.yaml',
      '',
    ].join('\n'),
  };
}

/** The instance ids (pod names) Cloud Map holds for service `name` in namespace `namespaceName`, sorted. */
async function cloudMapInstances(client: ServiceDiscoveryClient, namespaceName: string, name: string): Promise<string[]> {
  let namespaceId: string | undefined;
  for await (const page of paginateListNamespaces({ client }, {}))
    namespaceId ??= page.Namespaces?.find((ns) => ns.Name === namespaceName)?.Id;
  const filter = { Name: 'NAMESPACE_ID' as const, Values: [namespaceId ?? ''], Condition: 'EQ' as const };
  let serviceId: string | undefined;
  for await (const page of paginateListServices({ client }, { Filters: [filter] }))
    serviceId ??= page.Services?.find((s) => s.Name === name)?.Id;
  if (!serviceId) return [];
  const ids: string[] = [];
  for await (const page of paginateListInstances({ client }, { ServiceId: serviceId }))
    ids.push(...(page.Instances ?? []).flatMap((i) => (i.Id ? [i.Id] : [])));
  return ids.sort();
}

const containerNames = (d: KubeObject | undefined) => {
  const spec = (d?.spec as { template: { spec: { containers: { name: string }[]; initContainers?: { name: string }[] } } } | undefined)
    ?.template.spec;
  return { containers: spec?.containers.map((c) => c.name).sort(), initContainers: spec?.initContainers?.map((c) => c.name) };
};

/** The image of the app's own container (the sidecar patch puts Envoy first). */
const imageOf = (d: KubeObject | undefined) =>
  (d?.spec as { template: { spec: { containers: { name: string; image: string }[] } } } | undefined)?.template.spec.containers.find(
    (c) => c.name === 'storefront',
  )?.image;

const replicasOf = (d: KubeObject | undefined) => (d?.spec as { replicas?: number } | undefined)?.replicas;

describe('deployEnvironment canaries storefront in a staging-like environment', () => {
  let kit: WorkerKit;
  let git: GitFixture;
  let namespace: string;
  let cloudMapNamespace: string;
  const cloudMap = new ServiceDiscoveryClient(awsClientConfig());
  const deps = () => ({ ...kit.deps, cloudMap: () => cloudMap });
  const repo = (): TestRepo => ({ git, namespace, commit: () => Promise.reject(new Error('not used')) });

  /** Waits for what `read` returns to be defined (60 s at most: the HPA controller syncs every 15 s), polling the live state. */
  async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const value = await read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The names of the Ready, not terminating pods `selector` picks, sorted. */
  async function readyPods(selector: string): Promise<string[]> {
    const pods = await kit.cluster.list({ apiVersion: 'v1', kind: 'Pod', namespace, labelSelector: selector });
    return pods
      .filter((pod) => {
        const status = pod.status as { podIP?: string; conditions?: { type: string; status: string }[] } | undefined;
        return !pod.metadata.deletionTimestamp && status?.podIP && status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      })
      .map((pod) => pod.metadata.name)
      .sort();
  }

  beforeAll(async () => {
    kit = await openWorkerKit();
    namespace = uniqueName('worker-storefront');
    cloudMapNamespace = `${namespace}.local`;
    git = await createGitFixture();
    await git.writeFiles({
      ...(await filesOf('apps/storefront/base')),
      ...(await filesOf('environments/components/high-availability')),
      'apps/storefront/app.yaml': await storefrontApp(true),
    });
    // What the platform team owns: the Gateway, the mesh, the Cloud Map namespace.
    await cloudMap.send(new CreateHttpNamespaceCommand({ Name: cloudMapNamespace }));
    await kit.cluster.apply([{ apiVersion: APPMESH_API, kind: 'Mesh', metadata: { name: `${namespace}-mesh` }, spec: {} }], {
      fieldManager: 'platform-team',
    });
    const sha = await git.commitAndPush('storefront 0.1.0, rolled', stagingLike(namespace, '0.1.0', 'rolling', cloudMapNamespace));
    expect((await deployEnvironment(pushRequest(repo(), sha), deps(), testContext())).outcome).toBe('succeeded');
    const [gateway] = await kit.cluster.apply(
      [
        {
          apiVersion: GATEWAY_API,
          kind: 'Gateway',
          metadata: { name: 'shop-gateway', namespace },
          spec: { gatewayClassName: 'local', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
        },
      ],
      { fieldManager: 'platform-team' },
    );
    expect(gateway?.outcome).toBe('applied');
    // The high-availability HPA (minReplicas 3) takes storefront to three pods: a canary starts from that count.
    await until('storefront at three available replicas', async () => {
      const live = (await liveByName(kit.cluster, namespace, 'apps/v1', 'Deployment')).get('storefront');
      return (live?.status as { availableReplicas?: number } | undefined)?.availableReplicas === 3 ? true : undefined;
    });
  });
  afterAll(async () => {
    await kit.cluster
      .delete({ group: 'appmesh.k8s.aws', version: 'v1beta2', kind: 'Mesh', name: `${namespace}-mesh` })
      .catch(() => undefined);
    await kit.close([namespace]);
    await git.cleanup();
    cloudMap.destroy();
  });

  it('walks storefront through the Gateway API route, its Envoy sidecar on stable and canary, and promotes it', async () => {
    let canaryTemplate: Promise<KubeObject | undefined> = Promise.resolve(undefined);
    const route = await watchSplits(
      namespace,
      (split) => {
        if (split === '80/20')
          canaryTemplate = liveByName(kit.cluster, namespace, 'apps/v1', 'Deployment').then((d) => d.get('storefront-canary'));
      },
      httpRoute('storefront'),
    );
    try {
      const sha = await git.commitAndPush('storefront 0.2.0, canaried through the Gateway API', {
        ...stagingLike(namespace, '0.2.0', 'canary', cloudMapNamespace),
        'apps/storefront/app.yaml': await storefrontApp(false),
      });

      const result = await deployEnvironment(pushRequest(repo(), sha), deps(), testContext());

      expect(result).toMatchObject({ outcome: 'succeeded' });
      expect(result.canaries).toEqual([
        expect.objectContaining({ app: 'storefront', provider: 'gateway-api', outcome: 'promoted after 3 steps' }),
      ]);
      await route.until('100/0');
      expect(route.seen).toEqual(['95/5', '80/20', '50/50', '100/0']);
    } finally {
      route.stop();
    }
    // The canary ran the new version with the sidecar and its init container, as stable does after promotion.
    const canary = await canaryTemplate;
    expect(imageOf(canary)).toBe(`${STOREFRONT}:0.2.0`);
    expect(containerNames(canary)).toEqual({ containers: ['envoy', 'storefront'], initContainers: ['proxyinit'] });
    // Routed outside App Mesh: the canary's Envoy keeps the (platform's) node the manifest names.
    expect(envoyIdentity(canary)).toBe(`mesh/${namespace}-mesh/virtualNode/storefront_${namespace}`);
    const deployments = await liveByName(kit.cluster, namespace, 'apps/v1', 'Deployment');
    expect(imageOf(deployments.get('storefront'))).toBe(`${STOREFRONT}:0.2.0`);
    expect(containerNames(deployments.get('storefront'))).toEqual({ containers: ['envoy', 'storefront'], initContainers: ['proxyinit'] });
    expect(replicasOf(deployments.get('storefront'))).toBe(3);
    expect(replicasOf(deployments.get('storefront-canary'))).toBe(0);
  });

  it('walks storefront through App Mesh with Cloud Map discovery: canary instances registered while it runs, gone after promotion', async () => {
    let duringWalk:
      | Promise<{ registered: string[]; ready: string[]; canary: KubeObject | undefined; canaryNode: KubeObject | undefined }>
      | undefined;
    const route = await watchSplits(
      namespace,
      (split) => {
        // The router registers the canary's instances before it writes the route's weights.
        if (split === '80/20')
          duringWalk = Promise.all([
            cloudMapInstances(cloudMap, cloudMapNamespace, 'storefront-canary'),
            readyPods('gantry.dev/canary-of=storefront'),
            liveByName(kit.cluster, namespace, 'apps/v1', 'Deployment').then((d) => d.get('storefront-canary')),
            kit.cluster.get(virtualNode(namespace, 'storefront-canary')),
          ]).then(([registered, ready, canary, canaryNode]) => ({ registered, ready, canary, canaryNode }));
      },
      virtualRouter('storefront'),
    );
    try {
      // app.yaml pins storefront to App Mesh; env.yaml's provider (gateway-api) stays the default of the others.
      const sha = await git.commitAndPush('storefront 0.3.0, canaried through App Mesh', {
        ...stagingLike(namespace, '0.3.0', 'canary', cloudMapNamespace),
        'apps/storefront/app.yaml': await storefrontApp(true),
      });

      const result = await deployEnvironment(pushRequest(repo(), sha), deps(), testContext());

      expect(result).toMatchObject({ outcome: 'succeeded' });
      expect(result.canaries).toEqual([
        expect.objectContaining({ app: 'storefront', provider: 'appmesh', outcome: 'promoted after 3 steps' }),
      ]);
      await route.until('100/0');
      expect(route.seen).toEqual(['95/5', '80/20', '50/50', '100/0']);
    } finally {
      route.stop();
    }
    const walk = await duringWalk;
    // Three canary pods (stable's count), each registered under the canary's Cloud Map service while it ran.
    expect(walk?.ready).toHaveLength(3);
    expect(walk?.registered).toEqual(walk?.ready);
    expect(imageOf(walk?.canary)).toBe(`${STOREFRONT}:0.3.0`);
    expect(containerNames(walk?.canary)).toEqual({ containers: ['envoy', 'storefront'], initContainers: ['proxyinit'] });
    // The canary's Envoy presents the canary's VirtualNode (by its App Mesh name), not stable's.
    expect(awsNameOf(walk?.canaryNode)).toBe(`storefront-canary_${namespace}`);
    expect(envoyIdentity(walk?.canary)).toBe(`mesh/${namespace}-mesh/virtualNode/${awsNameOf(walk?.canaryNode)}`);

    // Promoted: no canary instance left, stable's instances are its pods on the new version.
    expect(await cloudMapInstances(cloudMap, cloudMapNamespace, 'storefront-canary')).toEqual([]);
    const stablePods = await readyPods('app.kubernetes.io/name=storefront');
    expect(stablePods).toHaveLength(3);
    expect(await cloudMapInstances(cloudMap, cloudMapNamespace, 'storefront')).toEqual(stablePods);
    const deployments = await liveByName(kit.cluster, namespace, 'apps/v1', 'Deployment');
    expect(imageOf(deployments.get('storefront'))).toBe(`${STOREFRONT}:0.3.0`);
    expect(containerNames(deployments.get('storefront'))).toEqual({ containers: ['envoy', 'storefront'], initContainers: ['proxyinit'] });
    expect(replicasOf(deployments.get('storefront-canary'))).toBe(0);
    expect(walk?.canaryNode?.spec).toMatchObject({
      serviceDiscovery: { awsCloudMap: { namespaceName: cloudMapNamespace, serviceName: 'storefront-canary' } },
    });
    // Stable's Envoy presents the node the manifest names, which is the stable VirtualNode's App Mesh name.
    const stableNode = await kit.cluster.get(virtualNode(namespace, 'storefront-stable'));
    expect(awsNameOf(stableNode)).toBe(`storefront_${namespace}`);
    expect(envoyIdentity(deployments.get('storefront'))).toBe(`mesh/${namespace}-mesh/virtualNode/${awsNameOf(stableNode)}`);
  });

  it('aborts a storefront canary failing at the second step through App Mesh: route on stable, canary instances gone', async () => {
    const stableBefore = await readyPods('app.kubernetes.io/name=storefront');
    expect(stableBefore).toHaveLength(3);
    // The fault: once the route holds the second step's split, the canary's pods are replaced by ones that never
    // become ready (kwok's never-ready stage).
    const breakCanary = () =>
      void kit.cluster.apply(
        [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'storefront-canary', namespace },
            spec: { template: { metadata: { labels: { 'gantry.dev/simulate': 'never-ready' } } } },
          },
        ],
        { fieldManager: 'fault-injection' },
      );
    const route = await watchSplits(namespace, (split) => split === '80/20' && breakCanary(), virtualRouter('storefront'));
    try {
      const sha = await git.commitAndPush('storefront 0.4.0, canaried through App Mesh; its pods fail at the second step', {
        ...stagingLike(namespace, '0.4.0', 'canary', cloudMapNamespace),
        'apps/storefront/app.yaml': await storefrontApp(true, '20s'),
      });

      const result = await deployEnvironment(pushRequest(repo(), sha), deps(), testContext());

      expect(result).toMatchObject({ outcome: 'failed', ref: { kind: 'Deployment', name: 'storefront-canary', namespace } });
      expect(result.message).toMatch(/^storefront \(apps\/storefront\/app\.yaml\): canary failed at step 2 of 3 \(20 %\): /);
      await route.until('100/0');
      // The route stays after the last promotion, at 100/0: the watch starts there.
      expect(route.seen).toEqual(['100/0', '95/5', '80/20', '100/0']);
    } finally {
      route.stop();
    }
    // Stable kept its pods (and its Cloud Map instances); the canary's are deregistered, its pods scaled down.
    expect(await cloudMapInstances(cloudMap, cloudMapNamespace, 'storefront-canary')).toEqual([]);
    expect(await readyPods('app.kubernetes.io/name=storefront')).toEqual(stableBefore);
    expect(await cloudMapInstances(cloudMap, cloudMapNamespace, 'storefront')).toEqual(stableBefore);
    const deployments = await liveByName(kit.cluster, namespace, 'apps/v1', 'Deployment');
    expect(imageOf(deployments.get('storefront'))).toBe(`${STOREFRONT}:0.3.0`);
    expect(replicasOf(deployments.get('storefront-canary'))).toBe(0);
  });
});

function virtualNode(namespace: string, name: string): ObjectRef {
  return { group: 'appmesh.k8s.aws', version: 'v1beta2', kind: 'VirtualNode', namespace, name };
}

function awsNameOf(node: KubeObject | undefined): string | undefined {
  return (node?.spec as { awsName?: string } | undefined)?.awsName;
}

/** The Envoy sidecar's APPMESH_RESOURCE_ARN in a Deployment's pod template. */
function envoyIdentity(deployment: KubeObject | undefined): string | undefined {
  const containers = (deployment?.spec as { template?: { spec?: { containers?: { name: string; env?: { name: string; value?: string }[] }[] } } } | undefined)
    ?.template?.spec?.containers;
  return containers?.find((c) => c.name === 'envoy')?.env?.find((e) => e.name === 'APPMESH_RESOURCE_ARN')?.value;
}
