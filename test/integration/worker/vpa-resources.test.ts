// Never fight a VPA, through the whole deploy on the local platform. No VPA runs locally, so the test writes what
// it manages under the field manager `vpa-updater`. A real VPA changes pods, at admission (and in place, through
// `pods/resize`, in InPlaceOrRecreate), never the workload: those pods are no object gantry applies, so no deploy
// reverts or reports them. What a deploy could fight is the workload's own template, written by whoever applies a
// VPA's recommendations there; that is the case tested here: kept by a release, not reported by the diff or the
// drift watch; with updateMode Off, the manifest wins. (The pod path cannot run here: the apiserver refuses a
// `pods/resize` on the local platform's kwok nodes, "Pod running on node without support for resize".)
import type { ChangeSetEntry } from '../../../core/diff/change-set.js';
import type { KubeObject } from '../../../core/kube/object.js';
import { DriftWatch, type Drift } from '../../../worker/drift-watch.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import { resourcesHandoverManager } from '../../../worker/stages/deploy/hand-over-to-autoscalers.js';
import { liveStates } from '../../../worker/stages/deploy/live-state.js';
import type { DeployDeps, DeployResult } from '../../../worker/stages/deploy/deploy-types.js';
import { kubectl } from '../../platform/connect.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SILENT, canaryOverlay, createTestRepo, openWorkerKit, pushRequest, ref, shortCanary, testContext, type OverlayOptions, type TestRepo, type WorkerKit } from './worker-test-kit.js';


const MANAGER = 'gantry';
const MANIFEST = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } };
const RECOMMENDED = { requests: { cpu: '120m', memory: '96Mi' }, limits: { cpu: '600m', memory: '192Mi' } };

describe('a VPA in an updating mode keeps the container resources it manages', () => {
  let kit: WorkerKit;
  let repo: TestRepo;
  let watch: DriftWatch;
  let deps: DeployDeps;
  const drifts: Drift[] = [];
  let arrived: () => void = () => undefined;

  async function nextDrift(): Promise<Drift> {
    while (drifts.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
    return drifts.shift() as Drift;
  }

  async function deploy(message: string, options: OverlayOptions): Promise<DeployResult> {
    const result = await deployEnvironment(pushRequest(repo, await repo.commit(message, options)), deps, testContext());
    expect(result).toMatchObject({ outcome: 'succeeded' });
    return result;
  }

  async function catalog(): Promise<{ image: unknown; resources: unknown; revisionHistoryLimit: unknown; cpuOwners: string[] }> {
    const live = (await kit.cluster.get(ref('apps/v1', 'Deployment', 'catalog', repo.namespace), { signal: new AbortController().signal })) as KubeObject;
    const spec = live['spec'] as { revisionHistoryLimit?: number; template: { spec: { containers: { image: string; resources?: unknown }[] } } };
    const container = spec.template.spec.containers[0];
    const entries = (live.metadata['managedFields'] ?? []) as { manager: string; fieldsV1?: Record<string, unknown> }[];
    const cpuOwners = entries
      .filter((e) => JSON.stringify(e.fieldsV1?.['f:spec'] ?? {}).includes('"f:requests":{"f:cpu"'))
      .map((e) => e.manager)
      .sort();
    return { image: container?.image, resources: container?.resources, revisionHistoryLimit: spec.revisionHistoryLimit, cpuOwners };
  }

  /** What applying a VPA's recommendation to the workload does: an update under the VPA's own field manager. */
  async function writeAsVpa(): Promise<void> {
    const patch = { spec: { template: { spec: { containers: [{ name: 'catalog', resources: RECOMMENDED }] } } } };
    await kubectl('-n', repo.namespace, 'patch', 'deployment', 'catalog', '--field-manager=vpa-updater', '-p', JSON.stringify(patch));
  }

  function deploymentEntry(result: DeployResult): ChangeSetEntry | undefined {
    return result.changeSet?.entries.find((e) => e.ref.kind === 'Deployment' && e.ref.name === 'catalog');
  }

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('vpa');
    const liveState = liveStates(() => kit.cluster.liveCache(), MANAGER);
    watch = new DriftWatch(MANAGER, SILENT, async (drift) => {
      drifts.push(drift);
      arrived();
    });
    deps = { ...kit.deps, liveState, deployed: (env, request) => watch.track(env, { request }, liveState(env)) };
  });
  afterAll(async () => {
    watch.close();
    await kit.close([repo.namespace]);
    await repo.git.cleanup();
  });

  it('a workload applied before its VPA arrived is handed over: adding the VPA keeps the resources applied', async () => {
    await deploy('catalog without a VPA', {});
    expect(await catalog()).toMatchObject({ resources: MANIFEST, cpuOwners: [MANAGER] });

    const result = await deploy('a VPA in Auto mode for catalog', { vpa: 'Auto' });

    expect(deploymentEntry(result)).toMatchObject({ action: 'unchanged' });
    expect(await catalog()).toMatchObject({ resources: MANIFEST, cpuOwners: [MANAGER, resourcesHandoverManager(MANAGER)] });
  });

  it('the resources the VPA writes are not drift; a field it does not manage, edited next, is', async () => {
    await writeAsVpa();
    // On the same object, after the VPA's write: the watch delivers the two in order, so the first drift reported
    // would be the VPA's had it counted as one.
    await kubectl('-n', repo.namespace, 'patch', 'deployment', 'catalog', '--field-manager=kubectl-edit', '-p', '{"spec":{"revisionHistoryLimit":7}}');

    const drift = await nextDrift();

    expect(drift.ref).toMatchObject({ kind: 'Deployment', name: 'catalog' });
    expect(drift.fields).toEqual(['spec.revisionHistoryLimit']);
    expect(drift.manager).toBe('kubectl-edit');
    expect(await catalog()).toMatchObject({ resources: RECOMMENDED, revisionHistoryLimit: 7 });
  });

  it('a release changing the image keeps the VPA’s resources, and its diff does not show them', async () => {
    const result = await deploy('catalog 0.2.0', { vpa: 'Auto', image: { name: 'registry.local/shop/catalog', tag: '0.2.0' } });

    const entry = deploymentEntry(result);
    expect(entry?.action).toBe('configured');
    const paths = entry?.action === 'configured' ? entry.diff.map((change) => change.path) : [];
    expect(paths).toContain('/spec/template/spec/containers/0/image');
    expect(paths.filter((path) => path.includes('/resources'))).toEqual([]);
    expect(await catalog()).toEqual({
      image: 'registry.local/shop/catalog:0.2.0',
      resources: RECOMMENDED,
      revisionHistoryLimit: 5,
      cpuOwners: ['vpa-updater'],
    });
  });

  it('with updateMode Off, the manifest wins: the release applies its resources and its diff shows them', async () => {
    const result = await deploy('the catalog VPA only recommends', { vpa: 'Off', image: { name: 'registry.local/shop/catalog', tag: '0.2.0' } });

    const entry = deploymentEntry(result);
    const paths = entry?.action === 'configured' ? entry.diff.map((change) => change.path) : [];
    expect(paths).toContain('/spec/template/spec/containers/0/resources/requests/cpu');
    expect(await catalog()).toMatchObject({ resources: MANIFEST, cpuOwners: [MANAGER] });
  });

  it('a canary release promotes the new template and keeps the VPA’s resources in the stable Deployment', async () => {
    await deploy('the catalog VPA in Auto mode again', { vpa: 'Auto', image: { name: 'registry.local/shop/catalog', tag: '0.2.0' } });
    await writeAsVpa();
    const gateway: KubeObject = {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'shop-gateway', namespace: repo.namespace },
      spec: { gatewayClassName: 'local', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] },
    };
    expect((await kit.cluster.apply([gateway], { fieldManager: 'platform-team' }))[0]?.outcome).toBe('applied');
    await repo.git.writeFiles({ 'apps/catalog/app.yaml': await readFile(join(process.cwd(), 'apps/catalog/app.yaml'), 'utf8') });
    const sha = await repo.git.commitAndPush('catalog 0.3.0, canaried', {
      ...canaryOverlay(repo.namespace, { vpa: 'Auto', image: { name: 'registry.local/shop/catalog', tag: '0.3.0' } }, { name: 'shop-gateway', namespace: repo.namespace }),
      'apps/catalog/app.yaml': await shortCanary(),
    });

    const result = await deployEnvironment(pushRequest(repo, sha), deps, testContext());

    expect(result).toMatchObject({ outcome: 'succeeded', canaries: [expect.objectContaining({ app: 'catalog', outcome: 'promoted after 2 steps' })] });
    expect(await catalog()).toMatchObject({ image: 'registry.local/shop/catalog:0.3.0', resources: RECOMMENDED });
  });
});
