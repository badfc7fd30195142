import type { Actor, AppRecord, EmulatorState } from './emulator-state.js';
import { badCredentials, requiresAuthentication } from './github-error.js';
import { verifyAppJwt } from './verify-app-jwt.js';

/** The login the emulator reports for requests made with a plain (personal or OAuth) token. */
export const TOKEN_USER_LOGIN = 'gantry-user';

/** Which plain tokens are valid: exactly those listed, or (when none are) any non-empty one. */
export interface TokenPolicy {
  readonly tokens?: ReadonlySet<string>;
}

/** Reads `Authorization: token X` or `Authorization: Bearer X` (scheme case-insensitive). */
export function readCredential(header: string | undefined): string | undefined {
  const match = /^(token|bearer)\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[2];
}

/**
 * Authenticates an ordinary REST request: an installation token the emulator issued, or a plain token the policy
 * accepts. Missing credentials get GitHub's "Requires authentication", rejected ones its "Bad credentials".
 */
export function authenticate(
  header: string | undefined,
  policy: TokenPolicy,
  state: EmulatorState,
  now: Date = new Date(),
): Actor {
  if (header === undefined || header.trim() === '') throw requiresAuthentication();
  const credential = readCredential(header);
  if (credential === undefined) throw badCredentials();
  const installation = state.installationTokens.get(credential);
  if (installation !== undefined) {
    if (installation.expiresAt <= now) throw badCredentials();
    return { kind: 'installation', app: installation.app, installationId: installation.installationId };
  }
  if (policy.tokens !== undefined && !policy.tokens.has(credential)) throw badCredentials();
  return { kind: 'user', login: TOKEN_USER_LOGIN };
}

/** Authenticates a GitHub App by its JWT, for the `/app/…` endpoints that take one. */
export function authenticateApp(header: string | undefined, state: EmulatorState): AppRecord {
  if (header === undefined || header.trim() === '') throw requiresAuthentication();
  const credential = readCredential(header);
  if (credential === undefined) throw badCredentials();
  return verifyAppJwt(credential, state.apps);
}
