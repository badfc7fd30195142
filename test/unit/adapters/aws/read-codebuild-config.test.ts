import { CodeBuildConfigError, readCodeBuildConfig } from '../../../../adapters/aws/index.js';

const valid = {
  AWS_REGION: 'eu-west-1',
  GANTRY_AWS_ACCOUNT_ID: '210987654321',
  GANTRY_BUILD_BUCKET: 'acme-build-contexts',
  GANTRY_CODEBUILD_ROLE_ARN: 'arn:aws:iam::210987654321:role/gantry-codebuild',
};

function problems(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    readCodeBuildConfig(env);
  } catch (error) {
    if (error instanceof CodeBuildConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('readCodeBuildConfig', () => {
  it('reads the four required variables and fills the defaults', () => {
    expect(readCodeBuildConfig(valid)).toEqual({
      region: 'eu-west-1',
      accountId: '210987654321',
      artifactBucket: 'acme-build-contexts',
      serviceRoleArn: 'arn:aws:iam::210987654321:role/gantry-codebuild',
      computeType: 'BUILD_GENERAL1_SMALL',
      image: 'aws/codebuild/standard:7.0',
      buildTimeoutMinutes: 30,
    });
  });

  it('takes the compute type, image and timeout when given', () => {
    expect(
      readCodeBuildConfig({
        ...valid,
        GANTRY_CODEBUILD_COMPUTE_TYPE: 'BUILD_GENERAL1_LARGE',
        GANTRY_CODEBUILD_IMAGE: 'aws/codebuild/amazonlinux-x86_64-standard:5.0',
        GANTRY_CODEBUILD_TIMEOUT_MINUTES: '90',
      }),
    ).toMatchObject({
      computeType: 'BUILD_GENERAL1_LARGE',
      image: 'aws/codebuild/amazonlinux-x86_64-standard:5.0',
      buildTimeoutMinutes: 90,
    });
  });

  it('names every missing variable', () => {
    expect(problems({})).toEqual([
      expect.stringMatching(/^AWS_REGION is not set/),
      expect.stringMatching(/^GANTRY_AWS_ACCOUNT_ID is not set/),
      expect.stringMatching(/^GANTRY_BUILD_BUCKET is not set/),
      expect.stringMatching(/^GANTRY_CODEBUILD_ROLE_ARN is not set/),
    ]);
  });

  it.each([
    ['AWS_REGION', 'Ireland', /^AWS_REGION must be an AWS region/],
    ['GANTRY_AWS_ACCOUNT_ID', '2109876543', /^GANTRY_AWS_ACCOUNT_ID must be the 12-digit/],
    ['GANTRY_BUILD_BUCKET', 'Acme_Builds', /^GANTRY_BUILD_BUCKET must be an S3 bucket name/],
    ['GANTRY_CODEBUILD_ROLE_ARN', 'gantry-codebuild', /^GANTRY_CODEBUILD_ROLE_ARN must be an IAM role ARN/],
    ['GANTRY_CODEBUILD_COMPUTE_TYPE', 'HUGE', /^GANTRY_CODEBUILD_COMPUTE_TYPE must be a CodeBuild compute type/],
    ['GANTRY_CODEBUILD_TIMEOUT_MINUTES', '1', /^GANTRY_CODEBUILD_TIMEOUT_MINUTES must be between 5 and 2160/],
    ['GANTRY_CODEBUILD_TIMEOUT_MINUTES', 'soon', /^GANTRY_CODEBUILD_TIMEOUT_MINUTES must be a whole number/],
  ])('refuses %s=%s with a message naming it', (name, value, message) => {
    expect(problems({ ...valid, [name]: value })).toEqual([expect.stringMatching(message)]);
  });

  it('refuses a service role of another account than the one that owns the repositories', () => {
    expect(
      problems({ ...valid, GANTRY_CODEBUILD_ROLE_ARN: 'arn:aws:iam::123456789012:role/gantry-codebuild' }),
    ).toEqual([
      expect.stringMatching(/^GANTRY_CODEBUILD_ROLE_ARN belongs to another account than GANTRY_AWS_ACCOUNT_ID/),
    ]);
  });
});
