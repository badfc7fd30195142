// GitHub Deployments through the whole pipeline: every deploy of an environment is a Deployment of the commit with
// statuses queued → in_progress → success, a newer successful one marks the previous `inactive`, and a failed
// rollout ends in `failure` (the live Deployment it fell back to stays `success`).
import { ZERO_SHA } from '../platform/github-emulator/index.js';
import { uniqueName } from '../platform/connect.js';
import {
  createTestRepo,
  ENV,
  openWorkerKit,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import {
  deliverPush,
  deploymentsOf,
  eventually,
  OWNER,
  startPipeline,
  statusStates,
  type DeploymentSeen as Seen,
  type Pipeline,
} from './pipeline-kit.js';

describe('GitHub Deployments for every deploy, on the local platform', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let repo: TestRepo;

  beforeAll(async () => {
    kit = await openWorkerKit();
    pipeline = await startPipeline();
    repo = await createTestRepo('e2e-ghdeploy');
  }, 30_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close(repo ? [repo.namespace] : []);
    await repo?.git.cleanup();
  });

  const finished = (states: string[]) => states.some((state) => state !== 'pending');
  const final = (seen: Seen[]) =>
    seen.length > 0 && seen.every((d) => ['success', 'failure', 'error'].includes(d.states.at(-1) ?? ''));

  it('records each push as a Deployment, supersedes the previous one, and marks a failed rollout failure', async () => {
    const name = uniqueName('shop');
    const first = await repo.commit('catalog in dev');
    expect((await deliverPush(pipeline, repo, name, ZERO_SHA, first)).status).toBe(202);
    expect(
      await eventually(() => statusStates(pipeline.github, name, first, `deploy/${ENV}`), finished, 90_000),
    ).toEqual(['pending', 'success']);
    const [one] = await eventually(() => deploymentsOf(pipeline.github, name, first), final, 30_000);
    expect(one).toMatchObject({ sha: first, environment: ENV, production: false, transient: false });
    expect(one?.states).toEqual(['queued', 'in_progress', 'success']);
    expect(one?.logUrls.at(-1)).toMatch(/\/runs\/\d+$/);

    const second = await repo.commit('catalog in dev, with feature flags', { featureFlags: true });
    expect((await deliverPush(pipeline, repo, name, first, second)).status).toBe(202);
    expect(
      await eventually(() => statusStates(pipeline.github, name, second, `deploy/${ENV}`), finished, 90_000),
    ).toEqual(['pending', 'success']);
    const [two] = await eventually(() => deploymentsOf(pipeline.github, name, second), final, 30_000);
    expect(two?.states).toEqual(['queued', 'in_progress', 'success']);
    const [oneAfter] = await deploymentsOf(pipeline.github, name, first);
    expect(oneAfter?.id).toBe(one?.id);
    expect(oneAfter?.states).toEqual(['queued', 'in_progress', 'success', 'inactive']);

    const bad = await repo.commit('catalog pods never get ready', { featureFlags: true, neverReady: true });
    expect((await deliverPush(pipeline, repo, name, second, bad)).status).toBe(202);
    expect(
      await eventually(() => statusStates(pipeline.github, name, bad, `deploy/${ENV}`), finished, 120_000),
    ).toEqual(['pending', 'failure']);
    const [three] = await eventually(() => deploymentsOf(pipeline.github, name, bad), final, 30_000);
    expect(three?.states).toEqual(['queued', 'in_progress', 'failure']);
    // The rollback put the second commit back: its Deployment is still the live one.
    const [twoAfter] = await deploymentsOf(pipeline.github, name, second);
    expect(twoAfter?.states.at(-1)).toBe('success');
    // One Deployment per commit and environment: none was duplicated by the retries and reports above.
    const all = await pipeline.github.repos.listDeployments({
      owner: OWNER,
      repo: name,
      environment: ENV,
      per_page: 100,
    });
    expect(all.data.map((d) => d.sha)).toEqual([bad, second, first]);
  }, 300_000);
});
