// What GitHub Actions and branch protection see of the pipeline, on the local platform: the `gantry/validate` check
// run on every pushed commit (completed, with annotations when the configuration is invalid, also when the plan
// fails early), and the round trip of .github/examples/workflows/smoke-on-deployment.yml: our Deployment status
// `success` → GitHub's signed `deployment_status` webhook → a smoke check reported back as a commit status. The
// receiver below stands in for the Actions runner (no runner runs here); it does what the example workflow does.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from '@octokit/webhooks-methods';
import { VALIDATE_CHECK } from '../../core/report/validate-report.js';
import { uniqueName } from '../platform/connect.js';
import { ZERO_SHA } from '../platform/github-emulator/index.js';
import {
  createTestRepo,
  ENV,
  openWorkerKit,
  type TestRepo,
  type WorkerKit,
} from '../integration/worker/worker-test-kit.js';
import { completedCheckRuns, deliverPush, eventually, OWNER, startPipeline, statusStates, type Pipeline } from './pipeline-kit.js';

const HOOK_SECRET = 'actions-hook-secret';

interface DeploymentStatusEvent {
  readonly signatureValid: boolean;
  readonly payload: {
    action: string;
    deployment_status: { id: number; state: string; environment: string };
    deployment: { id: number; sha: string; environment: string };
    repository: { full_name: string };
  };
}

describe('GitHub Actions and required checks, on the local platform', () => {
  let pipeline: Pipeline;
  let kit: WorkerKit;
  let repo: TestRepo;
  let runner: Server;
  const events: DeploymentStatusEvent[] = [];

  beforeAll(async () => {
    kit = await openWorkerKit();
    pipeline = await startPipeline();
    repo = await createTestRepo('e2e-actions');
    // The stand-in runner: on a staging-like environment's `success`, "smoke test" it and report back as the
    // example workflow does (a `smoke/<env>` commit status on the deployed commit).
    runner = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        void (async () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const signatureValid = await verify(HOOK_SECRET, body, String(request.headers['x-hub-signature-256']));
          const event = { signatureValid, payload: JSON.parse(body) as DeploymentStatusEvent['payload'] };
          events.push(event);
          response.writeHead(204).end();
          const { deployment_status: status, deployment, repository } = event.payload;
          if (!signatureValid || status.state !== 'success') return;
          const [owner = '', name = ''] = repository.full_name.split('/');
          await pipeline.github.repos.createCommitStatus({
            owner,
            repo: name,
            sha: deployment.sha,
            context: `smoke/${status.environment}`,
            state: 'success',
            description: `smoke tests passed against ${status.environment}`,
          });
        })();
      });
    });
    await new Promise<void>((resolve) => runner.listen(0, '127.0.0.1', resolve));
  }, 30_000);
  afterAll(async () => {
    await new Promise<void>((resolve) => runner?.close(() => resolve()));
    await pipeline?.close();
    await kit?.close(repo ? [repo.namespace] : []);
    await repo?.git.cleanup();
  });

  it('validates the pushed commit, and a Deployment success reaches a deployment_status workflow that reports back', async () => {
    const name = uniqueName('shop');
    const url = `http://127.0.0.1:${(runner.address() as AddressInfo).port}/hook`;
    await pipeline.github.repos.createWebhook({
      owner: OWNER,
      repo: name,
      config: { url, content_type: 'json', secret: HOOK_SECRET },
      events: ['deployment_status'],
    });
    const sha = await repo.commit('catalog in dev');

    expect((await deliverPush(pipeline, repo, name, ZERO_SHA, sha)).status).toBe(202);

    const runs = await completedCheckRuns(pipeline.github, name, sha, [VALIDATE_CHECK, `deploy/${ENV}`], 90_000);
    expect(runs.find((run) => run.name === VALIDATE_CHECK)).toMatchObject({ conclusion: 'success', external_id: `validate/${sha}` });
    // queued → in_progress → success, each a signed deployment_status delivery (deliveries may overtake each other,
    // as on GitHub: ordered by the status's id).
    const delivered = await eventually(
      async () =>
        events
          .filter((e) => e.payload.deployment.sha === sha)
          .sort((a, b) => a.payload.deployment_status.id - b.payload.deployment_status.id)
          .map((e) => e.payload.deployment_status.state),
      (states) => states.includes('success'),
      60_000,
    );
    expect(delivered).toEqual(['queued', 'in_progress', 'success']);
    expect(events.every((e) => e.signatureValid && e.payload.action === 'created')).toBe(true);
    expect(
      await eventually(() => statusStates(pipeline.github, name, sha, `smoke/${ENV}`), (s) => s.length > 0, 30_000),
    ).toEqual(['success']);
  });

  it('completes gantry/validate as a failure naming the file, line and field when the pushed env.yaml is invalid, though the plan fails too', async () => {
    const name = uniqueName('shop');
    const good = await repo.commit('catalog in dev');
    const bad = await repo.git.commitAndPush('a rollout timeout that is not a duration', {
      [`environments/${ENV}/env.yaml`]: (
        await repo.git.git.show([`${good}:environments/${ENV}/env.yaml`])
      ).replace(/timeout: 45s/, 'timeout: soon'),
    });

    expect((await deliverPush(pipeline, repo, name, good, bad)).status).toBe(202);

    const runs = await completedCheckRuns(pipeline.github, name, bad, [VALIDATE_CHECK, 'deploy/plan'], 60_000);
    const check = runs.find((run) => run.name === VALIDATE_CHECK);
    expect(check).toMatchObject({ conclusion: 'failure' });
    expect(check?.output.annotations_count).toBeGreaterThan(0);
    expect(check?.output.summary).toMatch(/environments\/dev\/env\.yaml:\d+: rollout\.timeout: /);
    expect(runs.find((run) => run.name === 'deploy/plan')).toMatchObject({ conclusion: 'failure' });
  });
});
