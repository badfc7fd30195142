// Shared setup of the CodeBuild builder tests: moto behind the AWS fault proxy, reached the way the worker reaches
// AWS (the standard AWS_ENDPOINT_URL and credential variables), a fresh bucket, and a builder over them.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  createCodeBuildBuilder,
  readCodeBuildConfig,
  type CodeBuildBuilderOptions,
} from '../../../adapters/aws/index.js';
import type { BuildRequest, ImageBuilder } from '../../../core/ports/image-builder.js';
import { startAwsFaultProxy, type AwsFaultProxy } from '../../platform/aws-fault-proxy.js';
import { awsClientConfig, awsEnv, uniqueName } from '../../platform/connect.js';

/** moto's default account: the one its ECR answers for with the test credentials. */
export const ACCOUNT = '123456789012';

export interface AwsBuilderKit {
  readonly proxy: AwsFaultProxy;
  readonly bucket: string;
  builder(options?: CodeBuildBuilderOptions): ImageBuilder;
  close(): Promise<void>;
}

/** Starts the proxy and points this process's AWS SDK environment at it (restored by `close`). */
export async function openAwsBuilderKit(): Promise<AwsBuilderKit> {
  const saved = { ...process.env };
  const direct = awsClientConfig();
  const proxy = await startAwsFaultProxy(direct.endpoint, direct);
  for (const key of ['AWS_PROFILE', 'AWS_DEFAULT_REGION', 'AWS_SESSION_TOKEN']) delete process.env[key];
  Object.assign(process.env, awsEnv(), { AWS_ENDPOINT_URL: proxy.url });
  const bucket = uniqueName('gantry-contexts');
  await new S3Client(direct).send(new CreateBucketCommand({ Bucket: bucket }));
  const config = readCodeBuildConfig({
    AWS_REGION: direct.region,
    GANTRY_AWS_ACCOUNT_ID: ACCOUNT,
    GANTRY_BUILD_BUCKET: bucket,
    GANTRY_CODEBUILD_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/gantry-codebuild`,
  });
  return {
    proxy,
    bucket,
    builder: (options = {}) => createCodeBuildBuilder(config, { pollPace: { initialMs: 20, maxMs: 100 }, ...options }),
    close: async () => {
      process.env = saved;
      await proxy.close();
    },
  };
}

/** A build request for a fresh repository: a one-file context and a build argument. */
export function buildRequest(overrides: Partial<BuildRequest> = {}): BuildRequest {
  const tar = Buffer.from(`FROM \${BASE}\nCOPY . /app\n# ${uniqueName('context')}\n`);
  return {
    app: 'catalog',
    repository: uniqueName('shop/catalog'),
    tag: uniqueName('c0ffee'),
    context: () => Promise.resolve(tar),
    dockerfile: 'Dockerfile',
    buildArgs: { BASE: 'public.ecr.aws/docker/library/node:22-slim' },
    timeoutMs: 60_000,
    ...overrides,
  };
}

/** The id of the build started for `tag`, once the proxy has seen StartBuild for it. */
export function startedBuildId(proxy: AwsFaultProxy, tag: string): string | undefined {
  return [...proxy.builds.values()].find((build) => build.variables.IMAGE_TAG === tag)?.id;
}
