// validateDelivery against a real git repository and the GitHub emulator (every request checked against GitHub's
// OpenAPI description), and the real apiserver for the schema check: the `gantry/validate` check run on the pushed or
// pull request head commit, always completed.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitMirror } from '../../../adapters/git/index.js';
import { GitHubReporter } from '../../../adapters/github/index.js';
import type { GitHubDelivery } from '../../../core/deploy/map-github-event.js';
import { VALIDATE_CHECK } from '../../../core/report/validate-report.js';
import { validateObjects } from '../../../worker/stages/deploy/validate-objects.js';
import { validateDelivery, type SchemaCheck } from '../../../worker/stages/validate/validate-commit.js';
import { uniqueName } from '../../platform/connect.js';
import { createGitFixture, type GitFixture } from '../../platform/git-fixtures.js';
import {
  buildPullRequestPayload,
  buildPushPayload,
  GitHubEmulatorClient,
  ResponseValidator,
  startGitHubEmulator,
  ZERO_SHA,
  type GitHubEmulator,
  type RecordedCall,
} from '../../platform/github-emulator/index.js';
import { OpenApiDescription } from '../../platform/github-emulator/openapi-description.js';
import { catalogBase, openWorkerKit, overlayFiles, SILENT, type WorkerKit } from './worker-test-kit.js';

const TOKEN = 'ghp_validateTestToken';

interface CheckRunBody {
  name: string;
  head_sha?: string;
  external_id: string;
  status: string;
  conclusion: string;
  output: {
    title: string;
    summary: string;
    annotations?: { path: string; start_line: number; annotation_level: string; title?: string; message: string }[];
  };
}

describe('validateDelivery: the gantry/validate check run on every pushed and pull request head commit', () => {
  let emulator: GitHubEmulator;
  let admin: GitHubEmulatorClient;
  let validator: ResponseValidator;
  let origin: GitFixture;
  let cacheDir: string;
  let mirror: GitMirror;
  let reporter: GitHubReporter;
  let name: string;

  beforeAll(async () => {
    emulator = await startGitHubEmulator({ port: 0, tokens: [TOKEN] });
    admin = new GitHubEmulatorClient(emulator.url);
    validator = new ResponseValidator(OpenApiDescription.shared());
    reporter = new GitHubReporter(
      { baseUrl: emulator.url, auth: { type: 'token', token: TOKEN }, retry: { attempts: 1, maxWaitMs: 1_000 } },
      { initialRetryDelayMs: 10 },
    );
    origin = await createGitFixture({ initialFiles: { ...(await catalogBase()), ...overlayFiles('shop-dev') } });
    cacheDir = await mkdtemp(join(tmpdir(), 'gantry-validate-mirrors-'));
    mirror = new GitMirror({ cacheDir });
  });
  afterAll(async () => {
    await origin.cleanup();
    await rm(cacheDir, { recursive: true, force: true });
    await emulator.close();
  });
  beforeEach(async () => {
    await admin.reset();
    name = `shop-${randomBytes(3).toString('hex')}`;
  });

  const repository = () => ({ owner: 'acme', name, cloneUrl: origin.cloneUrl });
  const push = (after: string): GitHubDelivery => ({
    event: 'push',
    deliveryId: randomUUID(),
    receivedAt: new Date().toISOString(),
    payload: buildPushPayload({ repository: repository(), ref: 'refs/heads/main', before: ZERO_SHA, after }),
  });
  const validate = (delivery: GitHubDelivery, lastAttempt = false) =>
    validateDelivery(
      delivery,
      { git: mirror, reporter },
      { signal: new AbortController().signal, log: SILENT, lastAttempt },
    );

  /** The one check run written: created completed, accepted by GitHub's schema. */
  async function checkRun(): Promise<CheckRunBody> {
    const calls: RecordedCall[] = (await admin.calls()).filter((call) => call.method !== 'GET');
    expect(calls.map((call) => [call.operationId, call.status])).toEqual([['checks/create', 201]]);
    const [call] = calls;
    expect(validator.check(call?.operationId ?? '', call?.status ?? 0, call?.responseBody)).toEqual({ kind: 'valid' });
    return call?.requestBody as CheckRunBody;
  }

  it('passes a commit whose apps and environments are valid', async () => {
    const sha = await origin.headSha();

    expect(await validate(push(sha))).toBe('reported');

    const body = await checkRun();
    expect(body).toMatchObject({
      name: VALIDATE_CHECK,
      head_sha: sha,
      external_id: `validate/${sha}`,
      status: 'completed',
      conclusion: 'success',
    });
    expect(body.output.summary).toContain('`environments/dev/env.yaml`');
    expect(body.output.annotations).toBeUndefined();
  });

  it("fails a pull request head with an invalid env.yaml field and a broken kustomization, annotating each file's line", async () => {
    await origin.switchBranch(`bad-${name}`);
    const env = overlayFiles('shop-dev')['environments/dev/env.yaml'] as string;
    const head = await origin.commitAndPush('break it', {
      'environments/dev/env.yaml': env.replace('timeout: 45s', 'timeout: soon'),
      'apps/catalog/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - missing.yaml\n',
    });
    await origin.switchBranch('main');
    const delivery: GitHubDelivery = {
      event: 'pull_request',
      deliveryId: randomUUID(),
      receivedAt: new Date().toISOString(),
      payload: buildPullRequestPayload({
        repository: repository(),
        action: 'opened',
        number: 3,
        head: { ref: `bad-${name}`, sha: head },
        base: { ref: 'main', sha: await origin.headSha() },
      }),
    };
    // GitHub keeps refs/pull/<n>/head; the bare fixture stands in for it.
    await origin.git.push('origin', `${head}:refs/pull/3/head`);

    expect(await validate(delivery)).toBe('reported');

    const body = await checkRun();
    expect(body).toMatchObject({ head_sha: head, status: 'completed', conclusion: 'failure' });
    const annotations = body.output.annotations ?? [];
    const timeoutLine = env.split('\n').findIndex((line) => line.includes('timeout: 45s')) + 1;
    expect(annotations).toContainEqual(
      expect.objectContaining({
        path: 'environments/dev/env.yaml',
        start_line: timeoutLine,
        annotation_level: 'failure',
        title: 'environments/dev/env.yaml: rollout.timeout',
      }),
    );
    expect(annotations.some((a) => a.path === 'apps/catalog/base/kustomization.yaml' && /missing\.yaml/.test(a.message))).toBe(true);
    expect(body.output.summary).toContain('environments/dev/env.yaml:');

    // A redelivery updates the same run and does not annotate it twice (GitHub appends annotations).
    await admin.clearCalls();
    expect(await validate(delivery)).toBe('reported');
    const again = (await admin.calls()).filter((call) => call.method !== 'GET');
    expect(again.map((call) => call.operationId)).toEqual(['checks/update']);
    expect((again[0]?.requestBody as CheckRunBody).output.annotations).toBeUndefined();
  });

  it('completes the check as a failure when the commit cannot be fetched for good (pushed away), instead of leaving it unwritten', async () => {
    const gone = randomBytes(20).toString('hex');

    expect(await validate(push(gone), true)).toBe('reported');

    const body = await checkRun();
    expect(body).toMatchObject({ head_sha: gone, status: 'completed', conclusion: 'failure' });
    expect(body.output.title).toContain('could not be validated');
  });

  it('writes nothing for a deleted branch or a closed pull request', async () => {
    const deleted: GitHubDelivery = {
      ...push(ZERO_SHA),
      payload: buildPushPayload({ repository: repository(), ref: 'refs/heads/old', before: await origin.headSha(), after: ZERO_SHA }),
    };

    const closed: GitHubDelivery = {
      ...push(ZERO_SHA),
      event: 'pull_request',
      payload: buildPullRequestPayload({
        repository: repository(),
        action: 'closed',
        number: 4,
        head: { ref: 'feature', sha: await origin.headSha() },
        base: { ref: 'main', sha: await origin.headSha() },
      }),
    };

    expect(await validate(deleted)).toBe('not-applicable');
    expect(await validate(closed)).toBe('not-applicable');
    expect((await admin.calls()).filter((call) => call.method !== 'GET')).toEqual([]);
  });

  describe("with the apiserver's schema check (a server-side dry run, as the worker wires it)", () => {
    let kit: WorkerKit;
    let namespace: string;
    let schemaOrigin: GitFixture;

    beforeAll(async () => {
      kit = await openWorkerKit();
      namespace = uniqueName('validate');
      // An environment deployed before: its namespace exists, so every object gets the apiserver's answer.
      await kit.cluster.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }], {
        fieldManager: 'gantry-test',
      });
      schemaOrigin = await createGitFixture({ initialFiles: { ...(await catalogBase()), ...overlayFiles(namespace) } });
    });
    afterAll(async () => {
      await schemaOrigin?.cleanup();
      await kit?.close(namespace ? [namespace] : []);
    });

    const schema: SchemaCheck = async (_env, objects, signal) =>
      (await validateObjects(objects, kit.cluster, { fieldManager: 'gantry', mode: 'dry-run', signal })).dryRun.size;
    const pushOf = (after: string): GitHubDelivery => ({
      event: 'push',
      deliveryId: randomUUID(),
      receivedAt: new Date().toISOString(),
      payload: buildPushPayload({
        repository: { owner: 'acme', name, cloneUrl: schemaOrigin.cloneUrl },
        ref: 'refs/heads/main',
        before: ZERO_SHA,
        after,
      }),
    });
    const validateWithSchema = (delivery: GitHubDelivery) =>
      validateDelivery(
        delivery,
        { git: mirror, reporter, schema },
        { signal: new AbortController().signal, log: SILENT, lastAttempt: false },
      );

    it('passes manifests the apiserver accepts, saying so per environment', async () => {
      expect(await validateWithSchema(pushOf(await schemaOrigin.headSha()))).toBe('reported');

      const body = await checkRun();
      expect(body.conclusion).toBe('success');
      expect(body.output.summary).toMatch(/environments\/dev: \d+ objects accepted by local's apiserver$/m);
    });

    it('fails a manifest the apiserver rejects (replicas: "two"), though it renders, naming the object', async () => {
      const sha = await schemaOrigin.commitAndPush('replicas as a word', overlayFiles(namespace, { invalidReplicas: true }));

      expect(await validateWithSchema(pushOf(sha))).toBe('reported');

      const body = await checkRun();
      expect(body.conclusion).toBe('failure');
      const [annotation] = body.output.annotations ?? [];
      expect(annotation).toMatchObject({ path: 'environments/dev/kustomization.yaml', start_line: 1 });
      expect(annotation?.message).toMatch(/Deployment.*catalog/);
    });

    it("sends nothing to the cluster for a fork's pull request, and says so", async () => {
      const head = await schemaOrigin.headSha();
      await schemaOrigin.git.push('origin', `${head}:refs/pull/9/head`);
      const payload = buildPullRequestPayload({
        repository: { owner: 'acme', name, cloneUrl: schemaOrigin.cloneUrl },
        action: 'opened',
        number: 9,
        head: { ref: 'feature', sha: head },
        base: { ref: 'main', sha: head },
      }) as { pull_request: { head: { repo: { full_name: string } | null } } };
      payload.pull_request.head.repo = { full_name: 'someone-else/shop' };
      let called = false;
      const delivery: GitHubDelivery = { event: 'pull_request', deliveryId: randomUUID(), receivedAt: new Date().toISOString(), payload };

      await validateDelivery(
        delivery,
        { git: mirror, reporter, schema: async () => ((called = true), 0) },
        { signal: new AbortController().signal, log: SILENT, lastAttempt: false },
      );

      expect(called).toBe(false);
      const body = await checkRun();
      expect(body.output.summary).toContain("not checked: a fork's pull request sends nothing to any cluster");
    });
  });
});
