import {
  BatchGetBuildsCommand,
  CodeBuildClient,
  CreateProjectCommand,
  StartBuildCommand,
} from '@aws-sdk/client-codebuild';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CreateLogGroupCommand, CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, HeadBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateHttpNamespaceCommand,
  ListNamespacesCommand,
  ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import { awsClientConfig, awsEnv, uniqueName } from './connect.js';

describe('the AWS emulator (moto server)', () => {
  it('creates an ECR repository that is listed back with a registry URI', async () => {
    const ecr = new ECRClient(awsClientConfig());
    const name = uniqueName('shop/catalog');
    const created = await ecr.send(
      new CreateRepositoryCommand({ repositoryName: name, imageTagMutability: 'IMMUTABLE' }),
    );
    expect(created.repository?.repositoryUri).toContain(name);

    const listed = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    expect(listed.repositories?.map((r) => r.repositoryName)).toEqual([name]);
    expect(listed.repositories?.[0]?.imageTagMutability).toBe('IMMUTABLE');
  });

  it('creates a CodeBuild project and starts a build of it', async () => {
    const codebuild = new CodeBuildClient(awsClientConfig());
    const project = uniqueName('build-catalog');
    await codebuild.send(
      new CreateProjectCommand({
        name: project,
        // The pipeline uploads each app's build context to S3 and points CodeBuild at it.
        source: {
          type: 'S3',
          location: 'gantry-build-contexts/catalog.tar.gz',
          buildspec: 'version: 0.2\nphases:\n  build:\n    commands: [echo build]\n',
        },
        artifacts: { type: 'NO_ARTIFACTS' },
        environment: {
          type: 'LINUX_CONTAINER',
          image: 'aws/codebuild/standard:7.0',
          computeType: 'BUILD_GENERAL1_SMALL',
          privilegedMode: true,
        },
        serviceRole: 'arn:aws:iam::123456789012:role/codebuild-service-role',
      }),
    );
    const started = await codebuild.send(new StartBuildCommand({ projectName: project, sourceVersion: 'abc123' }));
    expect(started.build?.projectName).toBe(project);
    expect(started.build?.id).toContain(project);

    const fetched = await codebuild.send(new BatchGetBuildsCommand({ ids: [started.build!.id!] }));
    expect(fetched.builds?.[0]?.id).toBe(started.build!.id);
  });
});

describe('AWS SDK v3 clients configured only by the standard environment (AWS_ENDPOINT_URL)', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    // As the pipeline's services are configured: nothing in code, the standard variables in the environment.
    for (const key of ['AWS_PROFILE', 'AWS_DEFAULT_REGION', 'AWS_SESSION_TOKEN']) delete process.env[key];
    Object.assign(process.env, awsEnv());
  });
  afterAll(() => {
    process.env = saved;
  });

  it('creates an S3 bucket with a client given no options, and moto lists it', async () => {
    const s3 = new S3Client({});
    const bucket = uniqueName('gantry-build-contexts');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const listed = await s3.send(new ListBucketsCommand({}));
    expect(listed.Buckets?.map((b) => b.Name)).toContain(bucket);
    // The same bucket seen through an explicitly configured client: it was moto that answered, not anything else.
    await expect(
      new S3Client({ ...awsClientConfig(), forcePathStyle: true }).send(new HeadBucketCommand({ Bucket: bucket })),
    ).resolves.toBeDefined();
  });

  it('creates a CloudWatch Logs group with a client given no options and describes it back', async () => {
    const logs = new CloudWatchLogsClient({});
    const group = uniqueName('/gantry/build/catalog');
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    const described = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
    expect(described.logGroups?.map((g) => g.logGroupName)).toEqual([group]);
    const direct = await new CloudWatchLogsClient(awsClientConfig()).send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: group }),
    );
    expect(direct.logGroups?.map((g) => g.logGroupName)).toEqual([group]);
  });

  it('creates a Cloud Map namespace with a client given no options and lists it', async () => {
    const cloudMap = new ServiceDiscoveryClient({});
    const name = uniqueName('shop.local');
    const created = await cloudMap.send(new CreateHttpNamespaceCommand({ Name: name }));
    expect(created.OperationId).toBeTruthy();
    const listed = await cloudMap.send(new ListNamespacesCommand({}));
    expect(listed.Namespaces?.filter((n) => n.Name === name).map((n) => n.Type)).toEqual(['HTTP']);
    const direct = await new ServiceDiscoveryClient(awsClientConfig()).send(new ListNamespacesCommand({}));
    expect(direct.Namespaces?.map((n) => n.Name)).toContain(name);
  });
});
