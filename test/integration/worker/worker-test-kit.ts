// Shared by the worker stage tests: a real git repository holding the sample catalog app and a one-environment
// overlay (its namespace unique per test), a real cluster, and the stage functions' dependencies and context.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { GitMirror } from '../../../adapters/git/index.js';
import { KubeCluster, KubeReleaseStore } from '../../../adapters/kube/index.js';
import type { DeployRequest } from '../../../core/deploy/deploy-request.js';
import type { KubeObject, ObjectRef } from '../../../core/kube/object.js';
import type { Cluster } from '../../../core/ports/cluster.js';
import type { DeployContext, DeployDeps } from '../../../worker/stages/deploy-environment.js';
import { memoryProgress } from '../../../worker/stages/stage-context.js';
import type { DeployProgress } from '../../../worker/stages/deploy/deploy-progress.js';
import type { DeployStep } from '../../../worker/stages/deploy/deploy-types.js';
import { kubeConfig, need, uniqueName } from '../../platform/connect.js';
import { createGitFixture, type FixtureFiles, type GitFixture } from '../../platform/git-fixtures.js';

export const ENV = 'dev';
export const SILENT = pino({ level: 'silent' });

/** What one test's overlay holds; each option is one kind of change a commit makes. */
export interface OverlayOptions {
  /** `ENVIRONMENT` in the generated shop-environment ConfigMap (changing it renames the ConfigMap). */
  readonly environment?: string;
  /** Adds the plain ConfigMap `feature-flags` (removing it later exercises prune). */
  readonly featureFlags?: boolean;
  /** Pods labelled `gantry.dev/simulate: never-ready`, with a 5 s progress deadline. */
  readonly neverReady?: boolean;
  /** The catalog image (`name:tag`). Default `registry.local/shop/catalog:0.1.0`, a made-up image test runs allow. */
  readonly image?: { readonly name: string; readonly tag: string };
  /** A patch setting `spec.replicas: "two"`: a manifest the apiserver rejects. */
  readonly invalidReplicas?: boolean;
  /** A kustomization that names a file that does not exist. */
  readonly brokenKustomization?: boolean;
  /** env.yaml `rollback.automatic`. Default true. */
  readonly automaticRollback?: boolean;
  /** env.yaml `apply.timeout`. Default: absent (2m). */
  readonly applyTimeout?: string;
  /** env.yaml `rollout.timeout`. Default 45s. */
  readonly rolloutTimeout?: string;
  /** Adds a `type: LoadBalancer` Service `name` in front of catalog, of `spec.loadBalancerClass` `class` if given. */
  readonly loadBalancer?: { readonly name: string; readonly class?: string };
  /** Keeps catalog's HorizontalPodAutoscaler (the overlay deletes it by default). */
  readonly autoscaled?: boolean;
  /** env.yaml `drift.mode`. Default: absent (`correct`). */
  readonly driftMode?: 'correct' | 'report';
  /** Adds a VerticalPodAutoscaler `catalog` on the catalog Deployment, in this `updateMode`. */
  readonly vpa?: 'Off' | 'Initial' | 'Recreate' | 'Auto' | 'InPlaceOrRecreate';
}

/** The sample catalog app's base, as the project holds it in apps/catalog/base. */
export async function catalogBase(): Promise<Record<string, string>> {
  const dir = join(process.cwd(), 'apps/catalog/base');
  const files: Record<string, string> = {};
  for (const name of await readdir(dir)) files[`apps/catalog/base/${name}`] = await readFile(join(dir, name), 'utf8');
  return files;
}

/** environments/dev: env.yaml, kustomization.yaml, namespace.yaml and patches, for namespace `namespace`. */
export function overlayFiles(namespace: string, options: OverlayOptions = {}): FixtureFiles {
  const dir = `environments/${ENV}`;
  const patches = [
    // As the sample dev overlay does: one replica count of its own, so the autoscaler would only fight it.
    ...(options.autoscaled
      ? []
      : ['  - patch: |-\n      apiVersion: autoscaling/v2\n      kind: HorizontalPodAutoscaler\n      metadata:\n        name: catalog\n      $patch: delete']),
    ...(options.neverReady ? ['  - path: patches/never-ready.yaml'] : []),
    ...(options.invalidReplicas ? ['  - path: patches/invalid-replicas.yaml'] : []),
  ];
  const resources = [
    'namespace.yaml',
    '../../apps/catalog/base',
    ...(options.featureFlags ? ['feature-flags.yaml'] : []),
    ...(options.brokenKustomization ? ['missing.yaml'] : []),
    ...(options.loadBalancer ? ['load-balancer.yaml'] : []),
    ...(options.vpa ? ['vpa.yaml'] : []),
  ];
  const lb = options.loadBalancer;
  return {
    [`${dir}/env.yaml`]: `name: ${ENV}\nbranch: main\ncluster:\n  name: local\nnamespace: ${namespace}\napply:\n  prune: true\n${options.applyTimeout ? `  timeout: ${options.applyTimeout}\n` : ''}rollout:\n  strategy: rolling\n  timeout: ${options.rolloutTimeout ?? '45s'}\nrollback:\n  automatic: ${options.automaticRollback ?? true}\nhistory:\n  limit: 5\n${options.driftMode ? `drift:\n  mode: ${options.driftMode}\n` : ''}`,
    [`${dir}/namespace.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`,
    [`${dir}/load-balancer.yaml`]: lb
      ? `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${lb.name}\nspec:\n  type: LoadBalancer\n${lb.class ? `  loadBalancerClass: ${lb.class}\n` : ''}  selector:\n    app: catalog\n  ports:\n    - port: 80\n      targetPort: 8080\n`
      : null,
    [`${dir}/vpa.yaml`]: options.vpa
      ? `apiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata:\n  name: catalog\nspec:\n  targetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: catalog\n  updatePolicy:\n    updateMode: ${options.vpa}\n`
      : null,
    [`${dir}/feature-flags.yaml`]: options.featureFlags
      ? 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: feature-flags\ndata:\n  new-checkout: "on"\n'
      : null,
    [`${dir}/patches/never-ready.yaml`]: options.neverReady
      ? 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: catalog\nspec:\n  progressDeadlineSeconds: 5\n  template:\n    metadata:\n      labels:\n        gantry.dev/simulate: never-ready\n'
      : null,
    [`${dir}/patches/invalid-replicas.yaml`]: options.invalidReplicas
      ? 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: catalog\nspec:\n  replicas: "two"\n'
      : null,
    [`${dir}/kustomization.yaml`]: [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      `namespace: ${namespace}`,
      'resources:',
      ...resources.map((resource) => `  - ${resource}`),
      'labels:',
      '  - pairs:',
      '      app.kubernetes.io/part-of: shop',
      '    includeTemplates: true',
      'images:',
      '  - name: shop/catalog',
      `    newName: ${options.image?.name ?? 'registry.local/shop/catalog'}`,
      `    newTag: ${options.image?.tag ?? '0.1.0'}`,
      // kustomize's replicas transformer runs after patches: it would overwrite the invalid value.
      ...(options.invalidReplicas ? [] : ['replicas:', '  - name: catalog', '    count: 2']),
      'configMapGenerator:',
      '  - name: shop-environment',
      '    literals:',
      `      - ENVIRONMENT=${options.environment ?? 'dev'}`,
      'patches:',
      ...patches,
      '',
    ].join('\n'),
  };
}

/** The overlay with env.yaml's strategy `canary` through the Gateway API Gateway `gateway` (default: none there). */
export function canaryOverlay(
  namespace: string,
  options: OverlayOptions,
  gateway = { name: 'no-such-gateway', namespace: 'gateway-system' },
) {
  const files = overlayFiles(namespace, options);
  const envYaml = files[`environments/${ENV}/env.yaml`];
  if (typeof envYaml !== 'string') throw new Error('the overlay has no env.yaml');
  return {
    ...files,
    [`environments/${ENV}/env.yaml`]:
      envYaml.replace('strategy: rolling', 'strategy: canary') +
      `traffic:\n  provider: gateway-api\n  gateway:\n    name: ${gateway.name}\n    namespace: ${gateway.namespace}\n`,
  };
}

/**
 * The sample catalog app.yaml with a two-step canary (20 %, 50 %) of short pauses, checked every second; with
 * `third`, a third step at 80 % pausing that long.
 */
export async function shortCanary(first = '1s', second = '1s', third?: string): Promise<string> {
  const last = third === undefined ? '' : `    - weight: 80\n      pause: ${third}\n`;
  return (await readFile(join(process.cwd(), 'apps/catalog/app.yaml'), 'utf8')).replace(
    /canary:\n[\s\S]*$/,
    `canary:\n  steps:\n    - weight: 20\n      pause: ${first}\n    - weight: 50\n      pause: ${second}\n${last}  interval: 1s\n`,
  );
}

/** A repository with the catalog base and the overlay, and a namespace that no other test uses. */
export interface TestRepo {
  readonly git: GitFixture;
  readonly namespace: string;
  /** Commits and pushes the overlay with `options` (apps stay as they are); returns the sha. */
  commit(message: string, options?: OverlayOptions): Promise<string>;
}

export async function createTestRepo(prefix: string): Promise<TestRepo> {
  const namespace = uniqueName(prefix);
  const git = await createGitFixture();
  await git.writeFiles(await catalogBase());
  return { git, namespace, commit: (message, options) => git.commitAndPush(message, overlayFiles(namespace, options)) };
}

/** A real cluster, a mirror cache, and the deploy dependencies over them; `close()` removes what it made. */
export interface WorkerKit {
  readonly cluster: KubeCluster;
  readonly deps: DeployDeps;
  releases(namespace: string): KubeReleaseStore;
  close(namespaces: readonly string[]): Promise<void>;
}

export async function openWorkerKit(overrides: { cluster?: Cluster } = {}): Promise<WorkerKit> {
  need('kubernetes');
  const cluster = new KubeCluster(kubeConfig());
  const cacheDir = await mkdtemp(join(tmpdir(), 'gantry-worker-mirrors-'));
  const releases = (namespace: string) => new KubeReleaseStore(cluster, { environment: ENV, namespace });
  const deps: DeployDeps = {
    git: new GitMirror({ cacheDir }),
    clusterFor: () => overrides.cluster ?? cluster,
    releaseStore: (env) =>
      new KubeReleaseStore(overrides.cluster ?? cluster, { environment: env.name, namespace: env.namespace }),
    healthPolling: { initialMs: 200, maxMs: 1_000 },
  };
  const close = async (namespaces: readonly string[]) => {
    for (const name of namespaces)
      await cluster.delete({ group: '', version: 'v1', kind: 'Namespace', name }).catch(() => undefined);
    cluster.close();
    await rm(cacheDir, { recursive: true, force: true });
  };
  return { cluster, deps, releases, close };
}

/** A push deploy request of `sha` from the test repository. */
export function pushRequest(repo: TestRepo, sha: string, overrides: Partial<DeployRequest> = {}): DeployRequest {
  return {
    deliveryId: randomUUID(),
    repo: { owner: 'acme', name: 'shop', cloneUrl: repo.git.cloneUrl },
    ref: 'refs/heads/main',
    sha,
    before: '0'.repeat(40),
    trigger: { kind: 'push' },
    environment: ENV,
    mode: 'apply',
    target: { kind: 'environment' },
    requestedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** A context with in-memory progress; pass the same `progress` to resume. */
export function testContext(
  progress = memoryProgress<DeployStep, DeployProgress>(),
  signal = new AbortController().signal,
): DeployContext & { progress: typeof progress } {
  return { signal, log: SILENT, progress };
}

export const ref = (apiVersion: string, kind: string, name: string, namespace?: string): ObjectRef => {
  const slash = apiVersion.indexOf('/');
  const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
  return namespace === undefined ? { group, version, kind, name } : { group, version, kind, namespace, name };
};

/** The live objects of one kind in the namespace, by name. */
export async function liveByName(
  cluster: Cluster,
  namespace: string,
  apiVersion: string,
  kind: string,
): Promise<Map<string, KubeObject>> {
  return new Map((await cluster.list({ apiVersion, kind, namespace })).map((obj) => [obj.metadata.name, obj]));
}

export const randomSha = () => randomBytes(20).toString('hex');

/**
 * A cluster that hands every call to `inner`: the base of the tests' fault-injecting clusters, which override the
 * calls they intercept.
 */
export class ForwardingCluster implements Cluster {
  constructor(protected readonly inner: Cluster) {}

  dryRunApply(...args: Parameters<Cluster['dryRunApply']>): ReturnType<Cluster['dryRunApply']> {
    return this.inner.dryRunApply(...args);
  }
  apply(...args: Parameters<Cluster['apply']>): ReturnType<Cluster['apply']> {
    return this.inner.apply(...args);
  }
  get(...args: Parameters<Cluster['get']>): ReturnType<Cluster['get']> {
    return this.inner.get(...args);
  }
  getMany(...args: Parameters<Cluster['getMany']>): ReturnType<Cluster['getMany']> {
    return this.inner.getMany(...args);
  }
  delete(...args: Parameters<Cluster['delete']>): ReturnType<Cluster['delete']> {
    return this.inner.delete(...args);
  }
  list(...args: Parameters<Cluster['list']>): ReturnType<Cluster['list']> {
    return this.inner.list(...args);
  }
  ensureNamespace(...args: Parameters<Cluster['ensureNamespace']>): ReturnType<Cluster['ensureNamespace']> {
    return this.inner.ensureNamespace(...args);
  }
  readRollout(...args: Parameters<Cluster['readRollout']>): ReturnType<Cluster['readRollout']> {
    return this.inner.readRollout(...args);
  }
}
