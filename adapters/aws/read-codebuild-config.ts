// The CodeBuild → ECR builder's settings, read once from the environment. Credentials are not among them: the
// SDK's default chain finds them (environment, shared profile, IRSA web identity, instance role).
import { ComputeType } from '@aws-sdk/client-codebuild';
import { z } from 'zod';

/** What {@link createCodeBuildBuilder} needs to know about the AWS account it builds in. */
export interface CodeBuildConfig {
  /** `AWS_REGION`: where ECR, CodeBuild, S3 and the build logs live. */
  readonly region: string;
  /** `GANTRY_AWS_ACCOUNT_ID`: the 12-digit account that owns the ECR repositories (their registry id). */
  readonly accountId: string;
  /** `GANTRY_BUILD_BUCKET`: the S3 bucket build contexts are uploaded to (the worker writes, CodeBuild reads). */
  readonly artifactBucket: string;
  /** `GANTRY_CODEBUILD_ROLE_ARN`: the service role CodeBuild runs builds as (pulls the context, pushes to ECR). */
  readonly serviceRoleArn: string;
  /** `GANTRY_CODEBUILD_COMPUTE_TYPE`, default `BUILD_GENERAL1_SMALL`. */
  readonly computeType: ComputeType;
  /** `GANTRY_CODEBUILD_IMAGE`, default `aws/codebuild/standard:7.0` (has Docker and the AWS CLI). */
  readonly image: string;
  /** `GANTRY_CODEBUILD_TIMEOUT_MINUTES`, default 30 (CodeBuild allows 5–2160): CodeBuild's own hard stop. */
  readonly buildTimeoutMinutes: number;
}

/** The environment is not a usable builder configuration; the message lists each variable at fault. */
export class CodeBuildConfigError extends Error {
  override readonly name = 'CodeBuildConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`the CodeBuild builder's configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const required = (example: string) =>
  z
    .string({ error: `is not set: set it, for example to ${example}` })
    .trim()
    .min(1, `is empty: set it, for example to ${example}`);

const schema = z.object({
  AWS_REGION: required('us-east-1').regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1'),
  GANTRY_AWS_ACCOUNT_ID: required('123456789012').regex(/^\d{12}$/, 'must be the 12-digit AWS account id'),
  GANTRY_BUILD_BUCKET: required('gantry-build-contexts').regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'must be an S3 bucket name (3-63 lowercase letters, digits, "." and "-")',
  ),
  GANTRY_CODEBUILD_ROLE_ARN: required('arn:aws:iam::123456789012:role/gantry-codebuild').regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
    'must be an IAM role ARN such as arn:aws:iam::123456789012:role/gantry-codebuild',
  ),
  GANTRY_CODEBUILD_COMPUTE_TYPE: z
    .enum(Object.values(ComputeType) as [ComputeType, ...ComputeType[]], {
      error: 'must be a CodeBuild compute type such as BUILD_GENERAL1_SMALL or BUILD_GENERAL1_MEDIUM',
    })
    .default('BUILD_GENERAL1_SMALL'),
  GANTRY_CODEBUILD_IMAGE: z
    .string()
    .trim()
    .min(1, 'is empty: unset it or name a CodeBuild image')
    .default('aws/codebuild/standard:7.0'),
  GANTRY_CODEBUILD_TIMEOUT_MINUTES: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of minutes between 5 and 2160')
    .transform(Number)
    .refine((minutes) => minutes >= 5 && minutes <= 2160, "must be between 5 and 2160 minutes (CodeBuild's limits)")
    .default(30),
});

/**
 * Reads and checks the builder's settings from `env`.
 *
 * @throws CodeBuildConfigError naming each variable at fault (values are never quoted)
 */
export function readCodeBuildConfig(env: NodeJS.ProcessEnv = process.env): CodeBuildConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success)
    throw new CodeBuildConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  const vars = parsed.data;
  const roleAccount = /^arn:[^:]+:iam::(\d{12}):/.exec(vars.GANTRY_CODEBUILD_ROLE_ARN)?.[1];
  if (roleAccount !== vars.GANTRY_AWS_ACCOUNT_ID)
    throw new CodeBuildConfigError([
      'GANTRY_CODEBUILD_ROLE_ARN belongs to another account than GANTRY_AWS_ACCOUNT_ID: CodeBuild needs a role of the account it builds in',
    ]);
  return Object.freeze({
    region: vars.AWS_REGION,
    accountId: vars.GANTRY_AWS_ACCOUNT_ID,
    artifactBucket: vars.GANTRY_BUILD_BUCKET,
    serviceRoleArn: vars.GANTRY_CODEBUILD_ROLE_ARN,
    computeType: vars.GANTRY_CODEBUILD_COMPUTE_TYPE,
    image: vars.GANTRY_CODEBUILD_IMAGE,
    buildTimeoutMinutes: vars.GANTRY_CODEBUILD_TIMEOUT_MINUTES,
  });
}
