import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';

const numericId = z
  .union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be a positive integer')])
  .transform(Number);

const TokenAuth = z.strictObject({
  type: z.literal('token'),
  /** A personal access token, an installation token, or a fine-grained token. */
  token: z.string().trim().min(1, 'must not be empty'),
});

const AppAuth = z.strictObject({
  type: z.literal('app'),
  appId: numericId,
  /** The App's private key, PEM (PKCS#1 as GitHub downloads it, or PKCS#8); `\n` escapes from env files are accepted. */
  privateKey: z
    .string()
    .transform((pem) => pem.replace(/\\n/g, '\n').trim())
    .refine(isRsaPrivateKey, 'must be the GitHub App private key in PEM form (-----BEGIN RSA PRIVATE KEY----- …)'),
  installationId: numericId,
});

/** The reporter's configuration as given (env, file, code); parsed once by {@link parseGitHubConfig}. */
export const GitHubConfigSchema = z.strictObject({
  /** REST API root. Default `https://api.github.com`; GitHub Enterprise Server: `https://HOST/api/v3`. */
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://github.example.com/api/v3' })
    .transform((url) => url.replace(/\/+$/, ''))
    .default('https://api.github.com'),
  auth: z.discriminatedUnion('type', [TokenAuth, AppAuth], { error: 'must be "token" (with token) or "app" (with appId, privateKey, installationId)' }),
  /** Sent as User-Agent (GitHub asks every client to name itself). Default `gantry`. */
  userAgent: z.string().min(1).default('gantry'),
  retry: z
    .strictObject({
      /** Attempts per operation, the first included. Default 4. */
      attempts: z.number().int().min(1).max(10).default(4),
      /**
       * The longest wait between attempts inside one call. A longer `retry-after` (a primary rate limit resetting in
       * 40 minutes) is not waited for: the call fails retryable with `retryAfterMs`, for the queue to delay the job.
       */
      maxWaitMs: z.number().int().min(0).default(30_000),
    })
    .default({ attempts: 4, maxWaitMs: 30_000 }),
  /**
   * Writes are sent one at a time, at least this far apart, as GitHub asks of a client making many (its secondary
   * limits allow about 80 content-creating requests a minute); a write that notifies people (a pull request comment)
   * waits three times as long. Default 1,000 ms. 0 sends writes back to back (still one at a time): for a GitHub
   * Enterprise Server without secondary limits, or the emulator in tests.
   */
  writeIntervalMs: z.number().int().min(0).max(60_000).default(1_000),
});

/** Configuration as a caller writes it. */
export type GitHubConfigInput = z.input<typeof GitHubConfigSchema>;
/** Configuration after validation and defaults. */
export type GitHubConfig = Readonly<z.output<typeof GitHubConfigSchema>>;

/** The reporter's configuration is unusable; terminal, and the message lists each field and what to write. */
export class GitHubConfigError extends DeployError {
  override readonly name = 'GitHubConfigError';

  constructor(readonly issues: readonly string[]) {
    super(Reason.InvalidConfig, `GitHub reporter configuration is invalid:\n${issues.map((i) => `  ${i}`).join('\n')}`);
  }
}

/**
 * Validates `input` (from code, env or a file) into a frozen config.
 * @throws {GitHubConfigError} naming every bad field; messages never repeat the values (they may be secrets)
 */
export function parseGitHubConfig(input: unknown): GitHubConfig {
  const result = GitHubConfigSchema.safeParse(input);
  if (!result.success) {
    throw new GitHubConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`));
  }
  return Object.freeze(result.data);
}

function isRsaPrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}
