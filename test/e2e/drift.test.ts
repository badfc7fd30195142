// Drift on the local platform, through the webhook and a worker: a hand edit of a field the pipeline applied
// (another field manager) is reported as a failing `drift/<env>` status on the deployed commit (`drift.mode:
// report`) or corrected by a re-deploy (`correct`), naming the field and the manager; an annotation of someone
// else's and an autoscaler's scaling are not drift.
import { pino } from 'pino';
import { kubectl, uniqueName } from '../platform/connect.js';
import { ZERO_SHA } from '../platform/github-emulator/index.js';
import {
  createTestRepo,
  ENV,
  liveByName,
  openWorkerKit,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import { deliverPush, eventually, OWNER, startPipeline, statusStates, type Pipeline } from './pipeline-kit.js';


describe('drift on the local platform: webhook → deploy → a hand edit → drift/<env> or a correction', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  const repos: TestRepo[] = [];
  const logLines: { msg?: string; fields?: string[]; manager?: string }[] = [];

  beforeAll(async () => {
    kit = await openWorkerKit();
    const log = pino(
      { level: 'info' },
      { write: (line: string) => void logLines.push(JSON.parse(line) as (typeof logLines)[number]) },
    );
    pipeline = await startPipeline({ log, driftSettleMs: 3_000 });
  }, 30_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close(repos.map((repo) => repo.namespace));
    for (const repo of repos) await repo.git.cleanup();
  });

  /** A repository deployed through a push, its `deploy/dev` status a success. */
  async function deployed(
    prefix: string,
    options: Parameters<TestRepo['commit']>[1],
  ): Promise<{ repo: TestRepo; name: string; sha: string }> {
    const repo = await createTestRepo(prefix);
    repos.push(repo);
    const name = uniqueName('shop');
    const sha = await repo.commit('catalog in dev', options);
    expect((await deliverPush(pipeline, repo, name, ZERO_SHA, sha)).status).toBe(202);
    const states = await eventually(
      () => statusStates(pipeline.github, name, sha, `deploy/${ENV}`),
      (s) => s.some((state) => state !== 'pending'),
      120_000,
    );
    expect(states.at(-1)).toBe('success');
    return { repo, name, sha };
  }

  it('drift.mode report: an edited image is a failing drift/dev status naming the field and kubectl-edit; an HPA’s scaling and someone else’s annotation before it are not drift', async () => {
    const { repo, name, sha } = await deployed('drift-report', { driftMode: 'report', autoscaled: true });
    const ns = ['-n', repo.namespace];

    // In order, on the one object (one watch, so its events arrive in this order): the autoscaler scales through
    // the scale subresource, someone annotates, and only then is a field the pipeline applied edited.
    await kubectl(
      ...ns,
      'patch',
      'deployment',
      'catalog',
      '--subresource=scale',
      '--type=merge',
      '--field-manager=horizontal-pod-autoscaler',
      '-p',
      '{"spec":{"replicas":4}}',
    );
    await kubectl(...ns, 'annotate', 'deployment', 'catalog', 'example.com/note=not-ours');
    const image =
      '{"spec":{"template":{"spec":{"containers":[{"name":"catalog","image":"registry.local/shop/catalog:edited"}]}}}}';
    await kubectl(
      ...ns,
      'patch',
      'deployment',
      'catalog',
      '--type=strategic',
      '--field-manager=kubectl-edit',
      '-p',
      image,
    );

    const statuses = await eventually(
      async () =>
        (await pipeline.github.repos.listCommitStatusesForRef({ owner: OWNER, repo: name, ref: sha })).data.filter(
          (s) => s.context === `drift/${ENV}`,
        ),
      (found) => found.length > 0,
      30_000,
    );
    expect(statuses.map((s) => [s.state, s.description])).toEqual([
      [
        'failure',
        `Deployment/${repo.namespace}/catalog: spec.template.spec.containers[name=catalog].image changed by kubectl-edit`,
      ],
    ]);
    // Reported, not corrected; the autoscaler's count kept.
    const live = (await liveByName(kit.cluster, repo.namespace, 'apps/v1', 'Deployment')).get('catalog') as unknown as {
      spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
    };
    expect(live.spec.template.spec.containers[0]?.image).toBe('registry.local/shop/catalog:edited');
    expect(live.spec.replicas).toBe(4);
  }, 180_000);

  it('drift.mode correct: an edited ConfigMap value is logged with the field and the manager, and put back by a re-deploy', async () => {
    const { repo } = await deployed('drift-correct', { featureFlags: true });

    await kubectl(
      '-n',
      repo.namespace,
      'patch',
      'configmap',
      'feature-flags',
      '--type=merge',
      '--field-manager=kubectl-edit',
      '-p',
      '{"data":{"new-checkout":"off"}}',
    );

    const flags = await eventually(
      async () =>
        (await liveByName(kit.cluster, repo.namespace, 'v1', 'ConfigMap')).get('feature-flags') as unknown as {
          data: Record<string, string>;
        },
      (cm) => cm.data['new-checkout'] === 'on',
      30_000,
    );
    expect(flags.data).toEqual({ 'new-checkout': 'on' });
    expect(
      logLines.filter((line) => line.msg?.startsWith('drift: ')).map((line) => [line.msg, line.fields, line.manager]),
    ).toContainEqual([
      `drift: ConfigMap/${repo.namespace}/feature-flags: data.new-checkout changed by kubectl-edit`,
      ['data.new-checkout'],
      'kubectl-edit',
    ]);
  }, 180_000);
  it('drift.mode correct against a controller that reverts the value after every correction: backed off, reported contested, no hot loop', async () => {
    const { repo, name, sha } = await deployed('drift-fight', { featureFlags: true });
    const flagsRef = { group: '', version: 'v1', kind: 'ConfigMap', namespace: repo.namespace, name: 'feature-flags' };
    const revert = () =>
      kubectl(
        '-n',
        repo.namespace,
        'patch',
        'configmap',
        'feature-flags',
        '--type=merge',
        '--field-manager=flag-controller',
        '-p',
        '{"data":{"new-checkout":"off"}}',
      );
    // The other controller: whenever gantry has put the value back, it changes it again.
    let reverts = 0;
    let fighting = true;
    const fighter = (async () => {
      await revert();
      while (fighting) {
        const live = (await kit.cluster.get(flagsRef)) as { data?: Record<string, string> } | undefined;
        if (live?.data?.['new-checkout'] === 'on') {
          reverts += 1;
          await revert();
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    try {
      // Corrections 1 (at once) and 2 (2 s later) were reverted; the third drift waits 6 s and is reported contested,
      // and so is the fourth, which waits 18 s: by then exactly three corrections ran.
      const statuses = await eventually(
        async () =>
          (await pipeline.github.repos.listCommitStatusesForRef({ owner: OWNER, repo: name, ref: sha })).data.filter(
            (s) => s.context === `drift/${ENV}`,
          ),
        (found) => found.some((s) => s.description?.startsWith('contested, correction 4 in 18 s')),
        90_000,
      );
      expect(reverts).toBe(3);
      expect(statuses.map((s) => [s.state, s.description]).reverse()).toEqual([
        [
          'failure',
          `contested, correction 3 in 6 s: ConfigMap/${repo.namespace}/feature-flags: data.new-checkout changed by flag-controller`,
        ],
        [
          'failure',
          `contested, correction 4 in 18 s: ConfigMap/${repo.namespace}/feature-flags: data.new-checkout changed by flag-controller`,
        ],
      ]);
    } finally {
      fighting = false;
      await fighter;
    }
    // The controller gave up: correction 4 puts the value back, nothing drifts for the settle window, and the red
    // status is cleared on the same commit.
    const cleared = await eventually(
      async () =>
        (await pipeline.github.repos.listCommitStatusesForRef({ owner: OWNER, repo: name, ref: sha })).data.filter(
          (s) => s.context === `drift/${ENV}`,
        ),
      (found) => found[0]?.state === 'success',
      90_000,
    );
    expect(cleared[0]?.description).toBe('in sync: re-applied by gantry, no drift for 3 s');
    const flags = (await kit.cluster.get(flagsRef)) as { data?: Record<string, string> } | undefined;
    expect(flags?.data?.['new-checkout']).toBe('on');
  }, 240_000);
});
