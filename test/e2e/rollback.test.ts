// Proof 2: a pushed commit whose catalog pods never become ready ends rolled back: the previous ReplicaSet serves,
// the release history shows the failed release then the rollback, and GitHub shows failure "rolled back to <sha>".
// Nodes are strict about images (test/platform/README.md): a commit naming an image that exists nowhere fails as
// fast as a kubelet's ImagePullBackOff, not at the rollout timeout, and is rolled back the same way.
import { need, uniqueName } from '../platform/connect.js';
import { ZERO_SHA } from '../platform/github-emulator/index.js';
import {
  createTestRepo,
  ENV,
  openWorkerKit,
  ref,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import {
  completedCheckRuns,
  deliverPush,
  eventually,
  startPipeline,
  statusStates,
  type Pipeline,
} from './pipeline-kit.js';

describe('automatic rollback through the whole pipeline', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let repo: TestRepo;
  let imageRepo: TestRepo | undefined;

  beforeAll(async () => {
    kit = await openWorkerKit();
    pipeline = await startPipeline();
    repo = await createTestRepo('e2e-rollback');
  }, 30_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close([repo, imageRepo].flatMap((r) => (r ? [r.namespace] : [])));
    await repo?.git.cleanup();
    await imageRepo?.git.cleanup();
  });

  const finished = (states: string[]) => states.some((state) => state !== 'pending');

  it('rolls a commit whose pods never get ready back to the last good one, and GitHub says so', async () => {
    const name = uniqueName('shop');
    const goodSha = await repo.commit('catalog in dev');
    expect((await deliverPush(pipeline, repo, name, ZERO_SHA, goodSha)).status).toBe(202);
    expect(
      await eventually(() => statusStates(pipeline.github, name, goodSha, `deploy/${ENV}`), finished, 90_000),
    ).toEqual(['pending', 'success']);
    const catalog = ref('apps/v1', 'Deployment', 'catalog', repo.namespace);
    const goodReplicaSet = (await kit.cluster.readRollout(catalog)).replicaSets[0]?.metadata.name;
    const badSha = await repo.commit('catalog pods never get ready', { neverReady: true });

    expect((await deliverPush(pipeline, repo, name, goodSha, badSha)).status).toBe(202);

    const states = await eventually(
      () => statusStates(pipeline.github, name, badSha, `deploy/${ENV}`),
      finished,
      120_000,
    );
    expect(states).toEqual(['pending', 'failure']);
    // The deploy's own check run (gantry/validate beside it passes: the manifests are valid, the pods never ready).
    const runs = (await completedCheckRuns(pipeline.github, name, badSha, [`deploy/${ENV}`])).filter((run) => run.name.startsWith('deploy/'));
    expect(runs.map((run) => [run.name, run.status, run.conclusion])).toEqual([
      [`deploy/${ENV}`, 'completed', 'failure'],
    ]);
    expect(runs[0]?.output.title).toContain(`rolled back to ${goodSha.slice(0, 7)}`);
    expect(runs[0]?.output.summary).toContain(goodSha.slice(0, 7));
    const history = await kit.releases(repo.namespace).list();
    expect(history.map((release) => [release.commit, release.outcome])).toEqual([
      [goodSha, 'succeeded'],
      [badSha, 'rolled-back'],
      [goodSha, 'succeeded'],
    ]);
    const rollout = await kit.cluster.readRollout(catalog);
    const serving = rollout.replicaSets.filter(
      (rs) => ((rs['status'] as { availableReplicas?: number }).availableReplicas ?? 0) > 0,
    );
    expect(serving.map((rs) => rs.metadata.name)).toEqual([goodReplicaSet]);
  }, 240_000);

  it('rolls back a commit whose image exists nowhere as soon as its pods are in ImagePullBackOff', async () => {
    imageRepo = await createTestRepo('e2e-missing-image');
    const name = uniqueName('shop');
    // A rollout timeout far beyond the wait below: only the pods' ImagePullBackOff can fail the deploy in time.
    const slow = { rolloutTimeout: '10m' };
    const goodSha = await imageRepo.commit('catalog in dev', slow);
    expect((await deliverPush(pipeline, imageRepo, name, ZERO_SHA, goodSha)).status).toBe(202);
    expect(
      await eventually(() => statusStates(pipeline.github, name, goodSha, `deploy/${ENV}`), finished, 90_000),
    ).toEqual(['pending', 'success']);
    // In the local registry's namespace, never pushed: neither the registry nor any allow-list holds it.
    const missing = { name: `${need('registry').host}/shop/never-built`, tag: name };
    const badSha = await imageRepo.commit('catalog on an image nobody built', { ...slow, image: missing });

    expect((await deliverPush(pipeline, imageRepo, name, goodSha, badSha)).status).toBe(202);

    const states = await eventually(
      () => statusStates(pipeline.github, name, badSha, `deploy/${ENV}`),
      finished,
      90_000,
    );
    expect(states).toEqual(['pending', 'failure']);
    const run = (await completedCheckRuns(pipeline.github, name, badSha, [`deploy/${ENV}`])).find((r) => r.name === `deploy/${ENV}`);
    expect(run?.output.title).toContain(`rolled back to ${goodSha.slice(0, 7)}`);
    expect(run?.output.summary).toContain('ImagePullBackOff');
    expect(run?.output.summary).toContain(`${missing.name}:${missing.tag}`);
    const history = await kit.releases(imageRepo.namespace).list();
    expect(history.map((release) => [release.commit, release.outcome])).toEqual([
      [goodSha, 'succeeded'],
      [badSha, 'rolled-back'],
      [goodSha, 'succeeded'],
    ]);
    const live = await kit.cluster.readRollout(ref('apps/v1', 'Deployment', 'catalog', imageRepo.namespace));
    const images = (live.workload?.['spec'] as { template: { spec: { containers: { image: string }[] } } }).template
      .spec.containers;
    expect(images.map((c) => c.image)).toEqual(['registry.local/shop/catalog:0.1.0']);
  }, 240_000);
});
