// The build context goes to S3 under a key derived from its bytes, so the same context is uploaded once however
// many times it is built, and a key never points at other bytes (a replayed build reads exactly what the first one
// uploaded).
import { createHash } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { callAws, isAwsError } from './aws-error.js';

/** Where contexts live in the bucket. */
export const CONTEXT_PREFIX = 'gantry/contexts/';

/** The S3 key of a context: `gantry/contexts/<sha256 of the tar>.tar`. */
export function contextKey(tar: Buffer): string {
  return `${CONTEXT_PREFIX}${createHash('sha256').update(tar).digest('hex')}.tar`;
}

/**
 * Uploads `tar` to `bucket` unless an object with its key is already there.
 * @returns the key
 */
export async function uploadContext(s3: S3Client, bucket: string, tar: Buffer, signal?: AbortSignal): Promise<string> {
  const key = contextKey(tar);
  const object = `S3 object s3://${bucket}/${key}`;
  // HeadObject is authorised by s3:GetObject; without s3:ListBucket a missing key answers 403 instead of 404, which
  // the error names as a denied s3:GetObject.
  const present = await callAws(
    object,
    's3:GetObject',
    () => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal }).then(() => true),
    (error) => (isAwsError(error, 'NotFound', 'NoSuchKey') ? { value: false } : undefined),
  );
  if (!present)
    await callAws(object, 's3:PutObject', () =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: tar, ContentType: 'application/x-tar' }), {
        abortSignal: signal,
      }),
    );
  return key;
}
