// Issue 7, item 2: a commit whose overlay moves the environment to another namespace (a kustomization `namespace:`
// that differs from env.yaml's) used to be deployed: everything was created in the new namespace and the old one
// pruned. Through the webhook and the worker, it must be refused before anything is applied, naming both
// namespaces and the objects, with the old namespace left as it was and nothing created in the new one.
import { need, uniqueName } from '../platform/connect.js';
import { ZERO_SHA } from '../platform/github-emulator/index.js';
import {
  createTestRepo,
  ENV,
  liveByName,
  openWorkerKit,
  overlayFiles,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import { deliverPush, eventually, OWNER, startPipeline, statusStates, type Pipeline } from './pipeline-kit.js';

/** `Kind/name@resourceVersion` of what the deploy made in `namespace`: equal before and after means untouched. */
async function snapshot(kit: WorkerKit, namespace: string): Promise<string[]> {
  const lines: string[] = [];
  for (const [apiVersion, kind] of [
    ['v1', 'ConfigMap'],
    ['v1', 'Service'],
    ['v1', 'ServiceAccount'],
    ['apps/v1', 'Deployment'],
  ] as const) {
    for (const [name, obj] of await liveByName(kit.cluster, namespace, apiVersion, kind))
      if (name !== 'kube-root-ca.crt') lines.push(`${kind}/${name}@${String(obj.metadata['resourceVersion'])}`);
  }
  return lines.sort();
}

describe('a push that moves the overlay to another namespace, through the whole pipeline', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let repo: TestRepo;
  let moved: string;

  beforeAll(async () => {
    need('redis');
    kit = await openWorkerKit();
    pipeline = await startPipeline();
    repo = await createTestRepo('e2e-nsmove');
    moved = `${repo.namespace}-moved`;
  }, 30_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close(repo ? [repo.namespace, moved] : []);
    await repo?.git.cleanup();
  });

  it('is refused before anything is applied: the old namespace intact, nothing in the new one, GitHub told why', async () => {
    const name = uniqueName('shop');
    const first = await repo.commit('catalog in dev');
    await deliverPush(pipeline, repo, name, ZERO_SHA, first);
    await eventually(
      () => statusStates(pipeline.github, name, first, `deploy/${ENV}`),
      (states) => states.includes('success'),
      60_000,
    );
    const before = await snapshot(kit, repo.namespace);
    expect(before.some((line) => line.startsWith('Deployment/catalog@'))).toBe(true);

    const files = overlayFiles(repo.namespace);
    const overlay = `environments/${ENV}/kustomization.yaml`;
    const movedOverlay = String(files[overlay]).replace(`namespace: ${repo.namespace}`, `namespace: ${moved}`);
    expect(movedOverlay).toContain(`namespace: ${moved}`);
    const second = await repo.git.commitAndPush('move dev to another namespace', { ...files, [overlay]: movedOverlay });
    await deliverPush(pipeline, repo, name, first, second);

    const states = await eventually(
      () => statusStates(pipeline.github, name, second, `deploy/${ENV}`),
      (s) => s.includes('failure') || s.includes('success'),
      60_000,
    );
    expect(states).toContain('failure');
    const { data } = await pipeline.github.checks.listForRef({ owner: OWNER, repo: name, ref: second });
    const summary = data.check_runs.find((run) => run.name === `deploy/${ENV}`)?.output.summary ?? '';
    expect(summary).toContain('InvalidConfig');
    expect(summary).toContain(repo.namespace);
    expect(summary).toContain(`Deployment/${moved}/catalog`);

    // Nothing applied, nothing pruned, nothing recorded: the old namespace is exactly as the first deploy left it.
    expect(await snapshot(kit, repo.namespace)).toEqual(before);
    const namespaces = await kit.cluster.list({ apiVersion: 'v1', kind: 'Namespace' });
    expect(namespaces.map((ns) => ns.metadata.name)).not.toContain(moved);
    expect((await kit.releases(repo.namespace).list()).map((r) => [r.commit, r.outcome])).toEqual([
      [first, 'succeeded'],
    ]);
  }, 120_000);
});
