import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import type { GitHubConfig } from './github-config.js';

/** Octokit's own logging, silenced: we log outcomes ourselves, structured, and Octokit's lines carry URLs we do not vet. */
const QUIET = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * An Octokit for `config`: a token, or a GitHub App whose installation tokens @octokit/auth-app mints from the
 * App's JWT and renews before they expire (one hour), against `baseUrl` (GitHub Enterprise: `https://HOST/api/v3`).
 */
export function createOctokit(config: GitHubConfig): Octokit {
  const common = { baseUrl: config.baseUrl, userAgent: config.userAgent, log: QUIET };
  if (config.auth.type === 'token') return new Octokit({ ...common, auth: config.auth.token });
  const { appId, privateKey, installationId } = config.auth;
  return new Octokit({ ...common, authStrategy: createAppAuth, auth: { appId, privateKey, installationId } });
}
