import { randomBytes } from 'node:crypto';
import { isoNow } from '../emulator-state.js';
import { GitHubError } from '../github-error.js';
import { bodyOf, intParam } from './context-helpers.js';
import type { Handler } from './handler.js';

/** GitHub installation tokens live one hour. */
const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/**
 * POST /app/installations/{installation_id}/access_tokens, authenticated by the App's JWT (checked before the
 * handler runs). The token it returns is then accepted on every other endpoint until it expires.
 */
export const createInstallationAccessToken: Handler = (context) => {
  if (context.actor.kind !== 'app') {
    throw new GitHubError(401, 'A JSON web token could not be decoded', {
      documentationUrl: context.operation.documentationUrl,
    });
  }
  const installationId = intParam(context, 'installation_id');
  const body = bodyOf(context);
  // GitHub's installation tokens are `ghs_` and 36 alphanumerics.
  const token = `ghs_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;
  const expiresAt = new Date(Date.now() + TOKEN_LIFETIME_MS);
  context.state.installationTokens.set(token, { app: context.actor.app, installationId, expiresAt });
  const repositories = body['repositories'];
  return {
    status: 201,
    body: {
      token,
      expires_at: isoNow(expiresAt),
      permissions: (body['permissions'] as Record<string, string> | undefined) ?? {
        checks: 'write',
        statuses: 'write',
        deployments: 'write',
        pull_requests: 'write',
        issues: 'write',
        contents: 'read',
        metadata: 'read',
      },
      repository_selection: Array.isArray(repositories) || Array.isArray(body['repository_ids']) ? 'selected' : 'all',
    },
  };
};
