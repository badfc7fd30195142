// A pull request's dry-run diff through the deploy stage on the real apiserver, when the pull request's env.yaml
// moves the environment to another kubeconfig context and another namespace: the diff is computed against the base
// branch's cluster and namespace, with the head's overlay, and says so; the stage never asks for the head's cluster,
// so nothing reaches it (the `nowhere` context here would refuse every connection anyway).
import type { EnvConfig } from '../../../core/config/env-config.js';
import type { DeployRequest } from '../../../core/deploy/deploy-request.js';
import { Reason } from '../../../core/reasons.js';
import { deployEnvironment } from '../../../worker/stages/deploy-environment.js';
import type { DeployDeps } from '../../../worker/stages/deploy/deploy-types.js';
import { uniqueName } from '../../platform/connect.js';
import {
  createTestRepo,
  ENV,
  openWorkerKit,
  overlayFiles,
  pushRequest,
  ref,
  testContext,
  type TestRepo,
  type WorkerKit,
} from './worker-test-kit.js';

describe("deployEnvironment: a pull request's diff reaches the base branch's target only", () => {
  let kit: WorkerKit;
  let repo: TestRepo;
  const elsewhere = uniqueName('elsewhere');

  beforeAll(async () => {
    kit = await openWorkerKit();
    repo = await createTestRepo('worker-pr-target');
  });
  afterAll(async () => {
    await kit.close([repo.namespace, elsewhere]);
    await repo.git.cleanup();
  });

  /** The deps, recording every cluster, release store and live state the stage asks for, by the env it names. */
  function recording(): { deps: DeployDeps; asked: string[] } {
    const asked: string[] = [];
    const note = (what: string, env: EnvConfig) =>
      asked.push(`${what} ${env.cluster.name}/${env.cluster.context ?? '-'}/${env.namespace}`);
    const deps: DeployDeps = {
      ...kit.deps,
      clusterFor: (env) => (note('cluster', env), kit.deps.clusterFor(env)),
      releaseStore: (env) => (note('releases', env), kit.deps.releaseStore(env)),
      liveState: (env) => (note('live', env), kit.deps.liveState?.(env)),
    };
    return { deps, asked };
  }

  const diffRequest = (head: string, base: string, fromFork: boolean): DeployRequest =>
    pushRequest(repo, head, {
      ref: `refs/pull/${fromFork ? 8 : 7}/head`,
      before: base,
      mode: 'dry-run',
      trigger: { kind: 'pull_request', number: fromFork ? 8 : 7, headSha: head, baseRef: 'main', headRef: 'feature', fromFork },
    });

  it.each([
    ['a same-repository pull request', false],
    ["a fork's pull request", true],
  ])('diffs %s that moves the environment against the base target, and says so', async (_, fromFork) => {
    const base = await repo.git.commitAndPush('the environment', overlayFiles(repo.namespace));
    const moving = overlayFiles(elsewhere, { featureFlags: true });
    const envFile = `environments/${ENV}/env.yaml`;
    const head = await repo.git.commitAndPush('feature flags, and deploy elsewhere', {
      ...moving,
      [envFile]: String(moving[envFile]).replace('cluster:\n  name: local\n', 'cluster:\n  name: local\n  context: nowhere\n'),
    });
    const { deps, asked } = recording();

    const result = await deployEnvironment(diffRequest(head, base, fromFork), deps, testContext());

    expect(result).toMatchObject({
      outcome: 'succeeded',
      mode: 'dry-run',
      moved: {
        from: { cluster: 'local', namespace: repo.namespace },
        to: { cluster: 'local', context: 'nowhere', namespace: elsewhere },
      },
    });
    // The head's overlay (its feature-flags ConfigMap) is diffed, in the base's namespace.
    const refs = (result.changeSet?.entries ?? []).map((entry) => entry.ref);
    expect(refs).toContainEqual(ref('v1', 'ConfigMap', 'feature-flags', repo.namespace));
    expect(refs.filter((r) => r.namespace !== undefined && r.namespace !== repo.namespace && r.namespace !== '')).toEqual([]);
    expect(refs.map((r) => r.name)).not.toContain(elsewhere);
    // Only the base's target was asked for; nothing was created anywhere (a dry run).
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked.map((line) => line.split(' ')[1]))).toEqual(new Set([`local/-/${repo.namespace}`]));
    expect(await kit.cluster.get(ref('v1', 'Namespace', elsewhere))).toBeUndefined();
    expect(await kit.cluster.get(ref('v1', 'ConfigMap', 'feature-flags', repo.namespace))).toBeUndefined();
  }, 120_000);

  it("refuses to diff an environment the base branch does not have, before asking for any cluster", async () => {
    const base = await repo.git.commitAndPush('no environment yet', { [`environments/${ENV}/env.yaml`]: null });
    const head = await repo.git.commitAndPush('add the environment', overlayFiles(repo.namespace));
    const { deps, asked } = recording();

    const result = await deployEnvironment(diffRequest(head, base, false), deps, testContext());

    expect(result).toMatchObject({ outcome: 'failed', reason: Reason.InvalidConfig });
    expect(result.message).toContain("of the base branch main cannot be read");
    expect(result.message).toContain('nothing was diffed');
    expect(asked).toEqual([]);
  }, 120_000);
});
