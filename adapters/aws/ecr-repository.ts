// ECR, as the builder needs it: one repository per image, created on first use with the settings every content
// tag relies on, and a cheap "is this tag there, and with which digest" probe.
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  PutLifecyclePolicyCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';
import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';
import { callAws, isAwsError } from './aws-error.js';

/** How long an untagged image (a layer of a failed or superseded push) is kept before ECR expires it. */
export const UNTAGGED_EXPIRY_DAYS = 7;

/**
 * The lifecycle policy put on every repository. It expires untagged images only: content tags may still be
 * deployed somewhere (a rollback target, a slow environment), and ECR's count rules would delete them
 * (aws/containers-roadmap#1036), so tagged images are never selected.
 */
export const LIFECYCLE_POLICY = JSON.stringify({
  rules: [
    {
      rulePriority: 1,
      description: `gantry: expire untagged images after ${UNTAGGED_EXPIRY_DAYS} days`,
      selection: {
        tagStatus: 'untagged',
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: UNTAGGED_EXPIRY_DAYS,
      },
      action: { type: 'expire' },
    },
  ],
});

/**
 * Makes sure `name` exists with immutable tags (a content tag must never point at other bytes) and scan on push,
 * and (re)puts the lifecycle policy. An existing repository is kept as it is apart from the policy: its tag
 * mutability is checked, since a mutable repository would let a content tag be overwritten.
 *
 * @returns the repository URI (`123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/catalog`)
 */
export async function ensureRepository(
  ecr: ECRClient,
  registryId: string,
  name: string,
  signal?: AbortSignal,
): Promise<string> {
  const object = `ECR repository ${name}`;
  const created = await callAws(
    object,
    'ecr:CreateRepository',
    () =>
      ecr.send(
        new CreateRepositoryCommand({
          registryId,
          repositoryName: name,
          imageTagMutability: 'IMMUTABLE',
          imageScanningConfiguration: { scanOnPush: true },
          tags: [{ Key: 'managed-by', Value: 'gantry' }],
        }),
        { abortSignal: signal },
      ),
    (error) => (isAwsError(error, 'RepositoryAlreadyExistsException') ? { value: undefined } : undefined),
  );
  let repository = created?.repository;
  if (!repository) {
    const described = await callAws(object, 'ecr:DescribeRepositories', () =>
      ecr.send(new DescribeRepositoriesCommand({ registryId, repositoryNames: [name] }), { abortSignal: signal }),
    );
    repository = described.repositories?.[0];
    if (repository?.imageTagMutability === 'MUTABLE')
      throw new DeployError(
        Reason.InvalidConfig,
        `${object} has mutable tags: content tags must be immutable; set its tag mutability to IMMUTABLE`,
      );
  }
  if (!repository?.repositoryUri)
    throw new DeployError(Reason.RegistryUnavailable, `${object}: ECR returned no repository URI`);
  await callAws(object, 'ecr:PutLifecyclePolicy', () =>
    ecr.send(
      new PutLifecyclePolicyCommand({ registryId, repositoryName: name, lifecyclePolicyText: LIFECYCLE_POLICY }),
      {
        abortSignal: signal,
      },
    ),
  );
  return repository.repositoryUri;
}

/**
 * The digest of `name:tag`, or undefined when the tag (or the whole repository) does not exist. BatchGetImage
 * reports a missing image as a failure entry rather than an exception, which makes it the cheap probe.
 */
export async function findImageDigest(
  ecr: ECRClient,
  registryId: string,
  name: string,
  tag: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const answer = await callAws(
    `ECR image ${name}:${tag}`,
    'ecr:BatchGetImage',
    () =>
      ecr.send(
        new BatchGetImageCommand({
          registryId,
          repositoryName: name,
          imageIds: [{ imageTag: tag }],
          acceptedMediaTypes: [
            'application/vnd.docker.distribution.manifest.v2+json',
            'application/vnd.oci.image.manifest.v1+json',
            'application/vnd.oci.image.index.v1+json',
            'application/vnd.docker.distribution.manifest.list.v2+json',
          ],
        }),
        { abortSignal: signal },
      ),
    (error) => (isAwsError(error, 'RepositoryNotFoundException') ? { value: undefined } : undefined),
  );
  return answer?.images?.find((image) => image.imageId?.imageTag === tag)?.imageId?.imageDigest;
}
