import { BatchGetBuildsCommand, CodeBuildClient, CreateProjectCommand, StartBuildCommand } from '@aws-sdk/client-codebuild';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { awsClientConfig, uniqueName } from './connect.js';

describe('the AWS emulator (moto server)', () => {
  it('creates an ECR repository that is listed back with a registry URI', async () => {
    const ecr = new ECRClient(awsClientConfig());
    const name = uniqueName('shop/catalog');
    const created = await ecr.send(new CreateRepositoryCommand({ repositoryName: name, imageTagMutability: 'IMMUTABLE' }));
    expect(created.repository?.repositoryUri).toContain(name);

    const listed = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    expect(listed.repositories?.map((r) => r.repositoryName)).toEqual([name]);
    expect(listed.repositories?.[0]?.imageTagMutability).toBe('IMMUTABLE');
  });

  it('creates a CodeBuild project and starts a build of it', async () => {
    const codebuild = new CodeBuildClient(awsClientConfig());
    const project = uniqueName('build-catalog');
    await codebuild.send(new CreateProjectCommand({
      name: project,
      // The pipeline uploads each app's build context to S3 and points CodeBuild at it.
      source: { type: 'S3', location: 'gantry-build-contexts/catalog.tar.gz', buildspec: 'version: 0.2\nphases:\n  build:\n    commands: [echo build]\n' },
      artifacts: { type: 'NO_ARTIFACTS' },
      environment: { type: 'LINUX_CONTAINER', image: 'aws/codebuild/standard:7.0', computeType: 'BUILD_GENERAL1_SMALL', privilegedMode: true },
      serviceRole: 'arn:aws:iam::123456789012:role/codebuild-service-role',
    }));
    const started = await codebuild.send(new StartBuildCommand({ projectName: project, sourceVersion: 'abc123' }));
    expect(started.build?.projectName).toBe(project);
    expect(started.build?.id).toContain(project);

    const fetched = await codebuild.send(new BatchGetBuildsCommand({ ids: [started.build!.id!] }));
    expect(fetched.builds?.[0]?.id).toBe(started.build!.id);
  });
});
