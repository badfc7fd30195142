// Proof 5, for configuration: a pushed commit whose env.yaml is invalid fails its plan for good, and GitHub shows
// why (the file, the field, what to write) as a `deploy/plan` failure status and check run on that commit, every
// request and answer valid against GitHub's OpenAPI description. Nothing reaches the cluster.
import { PLAN_CONTEXT } from '../../core/report/plan-failure.js';
import { VALIDATE_CHECK } from '../../core/report/validate-report.js';
import { need, uniqueName } from '../platform/connect.js';
import { GitHubEmulatorClient, ResponseValidator, ZERO_SHA } from '../platform/github-emulator/index.js';
import { OpenApiDescription } from '../platform/github-emulator/openapi-description.js';
import {
  createTestRepo,
  ENV,
  openWorkerKit,
  overlayFiles,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import {
  completedCheckRuns,
  deliverPush,
  eventually,
  OWNER,
  startPipeline,
  statusStates,
  type Pipeline,
} from './pipeline-kit.js';

describe('a push whose env.yaml is invalid, through the whole pipeline', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let repo: TestRepo;

  beforeAll(async () => {
    kit = await openWorkerKit();
    pipeline = await startPipeline();
    repo = await createTestRepo('e2e-badenv');
  }, 30_000);
  afterAll(async () => {
    await pipeline?.close();
    await kit?.close(repo ? [repo.namespace] : []);
    await repo?.git.cleanup();
  });

  it('fails the commit on deploy/plan with the file and field to fix, and applies nothing', async () => {
    const name = uniqueName('shop');
    const files = overlayFiles(repo.namespace);
    const envFile = `environments/${ENV}/env.yaml`;
    const broken = String(files[envFile]).replace('timeout: 45s', 'timeout: soon');
    expect(broken).toContain('timeout: soon');
    const sha = await repo.git.commitAndPush('rollout timeout nobody can parse', { ...files, [envFile]: broken });

    const delivery = await deliverPush(pipeline, repo, name, ZERO_SHA, sha);

    expect(delivery.status).toBe(202);
    const states = await eventually(
      () => statusStates(pipeline.github, name, sha, PLAN_CONTEXT),
      (s) => s.length > 0,
      60_000,
    );
    expect(states).toEqual(['failure']);
    const { data: combined } = await pipeline.github.repos.getCombinedStatusForRef({
      owner: OWNER,
      repo: name,
      ref: sha,
    });
    expect(combined.statuses.map((status) => status.context)).toEqual([PLAN_CONTEXT]);
    expect(combined.statuses[0]?.description).toContain(`${envFile}: rollout.timeout: must be a duration`);
    const runs = await completedCheckRuns(pipeline.github, name, sha, [PLAN_CONTEXT, VALIDATE_CHECK]);
    // gantry/validate, written before the plan, fails the same file and field (a required check never waits).
    expect(runs.map((run) => [run.name, run.status, run.conclusion]).sort()).toEqual([
      [PLAN_CONTEXT, 'completed', 'failure'],
      [VALIDATE_CHECK, 'completed', 'failure'],
    ]);
    const plan = runs.find((run) => run.name === PLAN_CONTEXT);
    expect(plan?.output.summary).toContain(`${envFile}: rollout.timeout: must be a duration`);
    expect(plan?.output.summary).toContain('"soon"');

    // Every write the worker made for this repository was accepted by, and answered as, GitHub's own schema.
    const admin = new GitHubEmulatorClient(need('github').url);
    const validator = new ResponseValidator(OpenApiDescription.shared());
    const writes = (await admin.calls()).filter(
      (call) => call.path.startsWith(`/repos/${OWNER}/${name}/`) && call.method !== 'GET',
    );
    expect(writes.map((call) => call.operationId).sort()).toEqual([
      'checks/create',
      'checks/create',
      'repos/create-commit-status',
    ]);
    for (const call of writes) {
      expect(call.status).toBeLessThan(300);
      expect(validator.check(call.operationId ?? '', call.status, call.responseBody)).toEqual({ kind: 'valid' });
    }

    // The plan failed before any deploy job existed: no namespace, no release, no Deployment.
    const namespaces = await kit.cluster.list({ apiVersion: 'v1', kind: 'Namespace' });
    expect(namespaces.map((ns) => ns.metadata.name)).not.toContain(repo.namespace);
    expect(await kit.releases(repo.namespace).list()).toEqual([]);
  }, 90_000);
});
