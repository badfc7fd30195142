// The failures moto cannot produce, injected by the AWS fault proxy in front of it (see test/platform/aws-fault-proxy.ts).
import { DeployError } from '../../../core/deploy-error.js';
import type { BuildFailure } from '../../../core/ports/image-builder.js';
import { Reason } from '../../../core/reasons.js';
import { waitFor } from '../queue/queue-test-kit.js';
import { buildRequest, openAwsBuilderKit, startedBuildId, type AwsBuilderKit } from './aws-builder-kit.js';

describe('the CodeBuild → ECR builder when AWS fails (fault injection)', () => {
  let kit: AwsBuilderKit;
  beforeAll(async () => {
    kit = await openAwsBuilderKit();
  });
  afterAll(async () => {
    await kit.close();
  });

  async function rejection(promise: Promise<unknown>): Promise<DeployError> {
    const error = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    if (!(error instanceof DeployError)) throw new Error(`expected a DeployError, got ${String(error)}`);
    return error;
  }

  it('fails a build whose RUN step failed with BuildFailed, the phase message and the last lines of its log', async () => {
    const request = buildRequest();
    const building = rejection(kit.builder().build(request));
    const id = await waitFor('StartBuild', () => startedBuildId(kit.proxy, request.tag));
    const lines = Array.from({ length: 60 }, (_, n) => `[Container] step output line ${n}`);
    lines.push(
      'RUN npm ci',
      'npm ERR! code E404',
      '[Container] Command did not exit successfully docker build exit status 1',
    );
    await kit.proxy.fail(id, lines, 'Error while executing command: docker build. Reason: exit status 1');

    const error = await building;
    expect(error.reason).toBe(Reason.BuildFailed);
    expect(error.terminal).toBe(true);
    expect(error.message).toMatch(
      new RegExp(`^image ${request.repository}:${request.tag} \\(CodeBuild build .+\\) ended FAILED`),
    );
    expect(error.message).toContain('COMMAND_EXECUTION_ERROR: Error while executing command: docker build');
    const cause = error.cause as BuildFailure;
    expect(cause.reason).toBe(Reason.BuildFailed);
    const tail = cause.logTail?.split('\n') ?? [];
    expect(tail).toHaveLength(40);
    expect(tail.slice(-2)).toEqual([
      'npm ERR! code E404',
      '[Container] Command did not exit successfully docker build exit status 1',
    ]);
    expect(tail).not.toContain('[Container] step output line 0');
  });

  it('stops a build that runs past the request timeout and fails it with BuildTimedOut', async () => {
    const request = buildRequest({ timeoutMs: 1_500 });
    const building = rejection(kit.builder().build(request));
    const id = await waitFor('StartBuild', () => startedBuildId(kit.proxy, request.tag));

    const error = await building;
    expect(error.reason).toBe(Reason.BuildTimedOut);
    expect(error.terminal).toBe(true);
    expect(error.message).toContain('ran past its timeout of 1.5 s and was stopped');
    expect((error.cause as BuildFailure).reason).toBe(Reason.BuildTimedOut);
    expect(kit.proxy.calls.filter((call) => call.operation === 'StopBuild').map((call) => call.body)).toContainEqual({
      id,
    });
    expect(kit.proxy.builds.get(id)?.status).toBe('STOPPED');
    // CodeBuild's own timeout (in minutes, at least 5) backs ours up when no worker is left to stop the build.
    const started = kit.proxy.calls.find(
      (call) =>
        call.operation === 'StartBuild' &&
        (call.body as { idempotencyToken: string }).idempotencyToken === kit.proxy.builds.get(id)?.idempotencyToken,
    );
    expect(started?.body).toMatchObject({ timeoutInMinutesOverride: 5 });
  });

  it('retries a throttled StartBuild with backoff and builds once', async () => {
    const request = buildRequest();
    kit.proxy.failNext('StartBuild', 2, { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
    const building = kit.builder().build(request);
    const id = await waitFor('StartBuild past the throttling', () => startedBuildId(kit.proxy, request.tag));
    const digest = await kit.proxy.succeed(id);

    await expect(building).resolves.toMatchObject({ tag: request.tag, digest });
    const starts = kit.proxy.calls.filter(
      (call) =>
        call.operation === 'StartBuild' &&
        (
          call.body as { environmentVariablesOverride: { name: string; value: string }[] }
        ).environmentVariablesOverride.some((v) => v.value === request.tag),
    );
    expect(starts.map((call) => call.injected)).toEqual([true, true, false]);
  });

  it('gives up on throttling after the attempts with RateLimited, retryable by the queue', async () => {
    const request = buildRequest();
    kit.proxy.failNext('CreateRepository', 3, { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
    const error = await rejection(kit.builder({ maxAttempts: 3 }).build(request));
    expect(error.reason).toBe(Reason.RateLimited);
    expect(error.terminal).toBe(false);
    expect(error.message).toBe(
      `ECR repository ${request.repository}: ecr:CreateRepository was throttled by AWS (Rate exceeded)`,
    );
  });

  it('fails at once with Forbidden naming the IAM action when ECR denies access', async () => {
    const request = buildRequest();
    const before = kit.proxy.calls.length;
    kit.proxy.failNext('CreateRepository', 1, {
      status: 400,
      type: 'AccessDeniedException',
      message:
        'User: arn:aws:sts::123456789012:assumed-role/gantry-worker/i-0abc is not authorized to perform: ecr:CreateRepository',
    });
    const error = await rejection(kit.builder().build(request));
    expect(error.reason).toBe(Reason.Forbidden);
    expect(error.terminal).toBe(true);
    expect(error.message).toMatch(
      new RegExp(
        `^ECR repository ${request.repository}: ecr:CreateRepository was denied .*allow ecr:CreateRepository to the worker's IAM role`,
      ),
    );
    // Terminal means no retry: one call, then nothing else.
    expect(kit.proxy.calls.slice(before).map((call) => call.operation)).toEqual(['CreateRepository']);
  });

  it('fails with Forbidden naming codebuild:StartBuild when CodeBuild denies the start', async () => {
    const request = buildRequest();
    kit.proxy.failNext('StartBuild', 1, {
      status: 400,
      type: 'AccessDeniedException',
      message: 'not authorized to perform: codebuild:StartBuild',
    });
    const error = await rejection(kit.builder().build(request));
    expect(error.reason).toBe(Reason.Forbidden);
    expect(error.message).toMatch(/^CodeBuild project gantry-shop-catalog-[0-9a-f]+: codebuild:StartBuild was denied/);
  });

  it('fails with Forbidden naming s3:PutObject when S3 denies the upload', async () => {
    const request = buildRequest();
    kit.proxy.failNext('S3 PUT', 1, { status: 403, type: 'AccessDenied', message: 'Access Denied' });
    const error = await rejection(kit.builder().build(request));
    expect(error.reason).toBe(Reason.Forbidden);
    expect(error.message).toMatch(
      new RegExp(`^S3 object s3://${kit.bucket}/gantry/contexts/[0-9a-f]{64}\\.tar: s3:PutObject was denied`),
    );
  });

  it('returns the image when its build failed because a concurrent build pushed the same tag first', async () => {
    const request = buildRequest();
    const building = kit.builder().build(request);
    const id = await waitFor('StartBuild', () => startedBuildId(kit.proxy, request.tag));
    // Another worker's build of the same content pushes the tag first; the immutable repository then refuses this
    // build's push and it fails, but the image it was to produce is there.
    const digest = await kit.proxy.push(kit.proxy.builds.get(id)!.variables.IMAGE_REPOSITORY!, request.tag);
    await kit.proxy.fail(
      id,
      ['tag invalid: The image tag already exists and cannot be overwritten because the repository is immutable.'],
      'Error while executing command: docker push',
    );
    await expect(building).resolves.toMatchObject({ tag: request.tag, digest });
  });
});
