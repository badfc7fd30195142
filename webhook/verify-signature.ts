import { verify } from '@octokit/webhooks-methods';

/** The outcome of checking `X-Hub-Signature-256`. Only `valid` lets a delivery through. */
export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'mismatch';

const SHA256_HEADER = /^sha256=[0-9a-f]{64}$/;

/**
 * Checks GitHub's HMAC-SHA256 signature of the raw body, in constant time (octokit's `verify` compares with
 * `timingSafeEqual`). The legacy SHA-1 header is never accepted.
 *
 * `verify` signs a string, so the bytes are decoded as UTF-8 first; GitHub sends UTF-8 JSON, and a body that is
 * not valid UTF-8 does not survive the round trip and fails the check, which is the safe direction.
 */
export async function verifySignature(
  secret: string,
  body: Buffer,
  header: string | undefined,
): Promise<SignatureCheck> {
  if (header === undefined || header === '') return 'missing';
  if (!SHA256_HEADER.test(header)) return 'malformed';
  return (await verify(secret, body.toString('utf8'), header)) ? 'valid' : 'mismatch';
}

/** What is wrong with a refused signature, as a sentence for the log and the 401's body. */
export function signatureProblem(check: Exclude<SignatureCheck, 'valid'>): string {
  switch (check) {
    case 'missing':
      return 'X-Hub-Signature-256 is missing';
    case 'malformed':
      return 'X-Hub-Signature-256 is malformed (not sha256= followed by 64 hex digits)';
    case 'mismatch':
      return 'X-Hub-Signature-256 does not match the body (signed with another secret, or the body was changed)';
  }
}
