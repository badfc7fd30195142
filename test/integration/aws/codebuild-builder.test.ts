import { BatchGetProjectsCommand, CodeBuildClient } from '@aws-sdk/client-codebuild';
import { DescribeRepositoriesCommand, ECRClient, GetLifecyclePolicyCommand } from '@aws-sdk/client-ecr';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { idempotencyToken, projectName } from '../../../adapters/aws/codebuild-project.js';
import { contextKey } from '../../../adapters/aws/upload-context.js';
import { awsClientConfig } from '../../platform/connect.js';
import { waitFor } from '../queue/queue-test-kit.js';
import { ACCOUNT, buildRequest, openAwsBuilderKit, startedBuildId, type AwsBuilderKit } from './aws-builder-kit.js';

describe('the CodeBuild → ECR builder against moto', () => {
  let kit: AwsBuilderKit;
  beforeAll(async () => {
    kit = await openAwsBuilderKit();
  });
  afterAll(async () => {
    await kit.close();
  });

  it('creates the repository, uploads the context, creates the project, starts the build and returns the pushed digest', async () => {
    const builder = kit.builder();
    const request = buildRequest();
    const tar = await request.context();
    await expect(builder.find(request.repository, request.tag)).resolves.toBeUndefined();

    const building = builder.build(request);
    const id = await waitFor('StartBuild through the proxy', () => startedBuildId(kit.proxy, request.tag));
    const digest = await kit.proxy.succeed(id);
    await expect(building).resolves.toEqual({
      repository: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${request.repository}`,
      tag: request.tag,
      digest,
    });

    const direct = awsClientConfig();
    const ecr = new ECRClient(direct);
    const [repository] =
      (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [request.repository] }))).repositories ?? [];
    expect(repository?.imageTagMutability).toBe('IMMUTABLE');
    expect(repository?.imageScanningConfiguration?.scanOnPush).toBe(true);
    const policy = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: request.repository }));
    expect(JSON.parse(policy.lifecyclePolicyText ?? '{}')).toMatchObject({
      rules: [{ selection: { tagStatus: 'untagged' }, action: { type: 'expire' } }],
    });

    const uploaded = await new S3Client({ ...direct, forcePathStyle: true }).send(
      new GetObjectCommand({ Bucket: kit.bucket, Key: contextKey(tar) }),
    );
    expect(Buffer.from(await uploaded.Body!.transformToByteArray())).toEqual(tar);
    expect(contextKey(tar)).toContain(createHash('sha256').update(tar).digest('hex'));

    const [project] =
      (
        await new CodeBuildClient(direct).send(
          new BatchGetProjectsCommand({ names: [projectName(request.repository)] }),
        )
      ).projects ?? [];
    expect(project?.environment?.privilegedMode).toBe(true);
    expect(project?.source?.buildspec).toContain('docker push "$IMAGE_REPOSITORY:$IMAGE_TAG"');
    expect(project?.serviceRole).toBe(`arn:aws:iam::${ACCOUNT}:role/gantry-codebuild`);

    const started = kit.proxy.builds.get(id)!;
    expect(started.variables).toMatchObject({
      CONTEXT_BUCKET: kit.bucket,
      CONTEXT_KEY: contextKey(tar),
      IMAGE_REPOSITORY: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${request.repository}`,
      DOCKERFILE: 'Dockerfile',
      GANTRY_BUILD_ARG_BASE: request.buildArgs.BASE,
    });
    expect(started.idempotencyToken).toBe(idempotencyToken(started.variables.IMAGE_REPOSITORY!, request.tag, 5));
    await expect(builder.find(request.repository, request.tag)).resolves.toEqual({
      repository: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/${request.repository}`,
      tag: request.tag,
      digest,
    });
  });

  it('builds nothing for a tag ECR already holds: no upload, no StartBuild, the existing digest', async () => {
    const builder = kit.builder();
    const request = buildRequest();
    const first = builder.build(request);
    await kit.proxy.succeed(await waitFor('the first build', () => startedBuildId(kit.proxy, request.tag)));
    const built = await first;

    const callsBefore = kit.proxy.calls.length;
    // A replayed job with the same content tag, from a builder in another worker.
    await expect(kit.builder().build(request)).resolves.toEqual(built);
    const later = kit.proxy.calls.slice(callsBefore).map((call) => call.operation);
    expect(later).not.toContain('StartBuild');
    expect(later).not.toContain('S3 PUT');
    expect([...kit.proxy.builds.values()].filter((b) => b.variables.IMAGE_TAG === request.tag)).toHaveLength(1);
  });

  it('uploads a context once however many tags are built from it, and reuses the project of the repository', async () => {
    const builder = kit.builder();
    const first = buildRequest({ context: () => Promise.resolve(Buffer.from('FROM scratch\n')) });
    const second = { ...first, tag: `${first.tag}-b` };
    const callsBefore = kit.proxy.calls.length;
    for (const request of [first, second]) {
      const building = builder.build(request);
      await kit.proxy.succeed(await waitFor('the build', () => startedBuildId(kit.proxy, request.tag)));
      await building;
    }
    const key = contextKey(Buffer.from('FROM scratch\n'));
    const puts = kit.proxy.calls.slice(callsBefore).filter((call) => call.operation === 'S3 PUT');
    const projectCreations = kit.proxy.calls.filter(
      (call) =>
        call.operation === 'CreateProject' && (call.body as { name: string }).name === projectName(first.repository),
    );
    expect(projectCreations).toHaveLength(1);
    expect(puts).toHaveLength(1);
    const started = [...kit.proxy.builds.values()].filter(
      (b) => b.variables.CONTEXT_KEY === key && b.project === projectName(first.repository),
    );
    expect(started).toHaveLength(2);
  });

  it('follows the build already running for a tag instead of starting a second one (a replayed job)', async () => {
    const request = buildRequest();
    const first = kit.builder().build(request);
    const id = await waitFor('the first StartBuild', () => startedBuildId(kit.proxy, request.tag));
    // The job is replayed on another worker (the first one was killed, say) while the build still runs.
    const callsBefore = kit.proxy.calls.length;
    const said: string[] = [];
    const logger = {
      info: (_: object, message: string) => said.push(message),
      warn: (_: object, message: string) => said.push(message),
    };
    const replayed = kit.builder({ logger }).build(request);
    await waitFor('the replay to follow the running build', () =>
      said.includes('following the CodeBuild build already running for this tag'),
    );
    const digest = await kit.proxy.succeed(id);

    await expect(replayed).resolves.toMatchObject({ tag: request.tag, digest });
    await expect(first).resolves.toMatchObject({ tag: request.tag, digest });
    expect([...kit.proxy.builds.values()].filter((b) => b.variables.IMAGE_TAG === request.tag)).toHaveLength(1);
    expect(kit.proxy.calls.slice(callsBefore).map((call) => call.operation)).not.toContain('StartBuild');
  });

  it('stops following when its job is cancelled, and leaves the build running for the jobs that still need it', async () => {
    const request = buildRequest();
    const cancel = new AbortController();
    const building = kit.builder().build(request, cancel.signal);
    const id = await waitFor('StartBuild', () => startedBuildId(kit.proxy, request.tag));
    cancel.abort(new Error('superseded by a newer commit'));

    await expect(building).rejects.toThrow('superseded by a newer commit');
    expect(
      kit.proxy.calls.filter((call) => call.operation === 'StopBuild').map((call) => call.body),
    ).not.toContainEqual({ id });
    expect(kit.proxy.builds.get(id)?.status).toBe('IN_PROGRESS');
  });
});
