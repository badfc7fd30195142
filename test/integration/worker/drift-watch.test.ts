import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import { liveStates } from '../../../worker/stages/deploy/live-state.js';
import { DriftWatch, describeDrift, type Drift } from '../../../worker/drift-watch.js';
import { kubectl } from '../../platform/connect.js';
import { SILENT, createTestRepo, openWorkerKit, pushRequest, testContext, type TestRepo, type WorkerKit } from './worker-test-kit.js';


describe('drift: a field the pipeline applied, changed by another manager, seen from the watch', () => {
  let kit: WorkerKit;
  let repo: TestRepo;
  let watch: DriftWatch;
  const drifts: Drift[] = [];
  let arrived: () => void = () => undefined;

  /** Resolves with the next drift reported (already reported ones first). */
  async function nextDrift(): Promise<Drift> {
    while (drifts.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
    return drifts.shift() as Drift;
  }

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('drift');
    const liveState = liveStates(() => kit.cluster.liveCache({ managedBy: 'gantry' }), 'gantry');
    watch = new DriftWatch('gantry', SILENT, async (drift) => {
      drifts.push(drift);
      arrived();
    });
    const sha = await repo.commit('catalog in dev', { featureFlags: true });
    const request = pushRequest(repo, sha);
    const deps = { ...kit.deps, liveState, deployed: (env: Parameters<typeof liveState>[0]) => watch.track(env, { request }, liveState(env)) };
    // Twice: the first (cold cache) applies; both teach the memo what was applied.
    expect((await deployEnvironment(request, deps, testContext())).outcome).toBe('succeeded');
    expect((await deployEnvironment(pushRequest(repo, sha), deps, testContext())).outcome).toBe('succeeded');
  });
  afterAll(async () => {
    watch.close();
    await kit.close([repo.namespace]);
    await repo.git.cleanup();
  });

  it('an edited owned field is drift, named with the field and the manager; an annotation of someone else’s is not', async () => {
    await kubectl('-n', repo.namespace, 'annotate', 'deployment', 'catalog', 'example.com/note=not-ours');
    await kubectl('-n', repo.namespace, 'patch', 'configmap', 'feature-flags', '--type=merge', '--field-manager=kubectl-edit', '-p', '{"data":{"new-checkout":"off"}}');

    const drift = await nextDrift();

    expect(drift.ref).toMatchObject({ kind: 'ConfigMap', name: 'feature-flags' });
    expect(drift.fields).toEqual(['data.new-checkout']);
    expect(drift.manager).toBe('kubectl-edit');
    expect(drift.env.name).toBe('dev');
    expect(describeDrift(drift)).toBe(`ConfigMap/${repo.namespace}/feature-flags: data.new-checkout changed by kubectl-edit`);
  });

  it('an object deleted behind the pipeline’s back is drift', async () => {
    await kubectl('-n', repo.namespace, 'delete', 'service', 'catalog');

    const drift = await nextDrift();

    expect(drift.ref).toMatchObject({ kind: 'Service', name: 'catalog' });
    expect(drift.fields).toEqual(['(deleted)']);
    expect(watch.counts()).toEqual({ dev: 2 });
  });
});
