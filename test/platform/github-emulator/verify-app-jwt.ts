import { verify as verifySignature } from 'node:crypto';
import type { AppRecord } from './emulator-state.js';
import { GitHubError } from './github-error.js';

/** Clock drift GitHub tolerates, and the longest lifetime it allows a GitHub App JWT (10 minutes). */
const DRIFT_SECONDS = 60;
const MAX_LIFETIME_SECONDS = 600;

/**
 * Verifies a GitHub App JWT the way GitHub does: RS256, signed by the private key whose public half the app
 * registered, `iss` naming the app, `iat` not in the future and `exp` in the future but at most 10 minutes away.
 *
 * @returns the app the JWT speaks for.
 * @throws GitHubError 401 with GitHub's wording for each failure.
 */
export function verifyAppJwt(jwt: string, apps: ReadonlyMap<string, AppRecord>, now: Date = new Date()): AppRecord {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw undecodable();
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  const payload = decodeJson(payloadPart);
  if (header['alg'] !== 'RS256') throw undecodable();

  const app = apps.get(String(payload['iss']));
  if (app === undefined) throw new GitHubError(401, 'Integration not found');
  const signed = Buffer.from(`${headerPart}.${payloadPart}`);
  if (!verifySignature('RSA-SHA256', signed, app.publicKey, Buffer.from(signaturePart, 'base64url')))
    throw undecodable();

  const nowSeconds = Math.floor(now.getTime() / 1000);
  const { iat, exp } = payload;
  if (typeof iat !== 'number' || iat > nowSeconds + DRIFT_SECONDS) {
    throw new GitHubError(
      401,
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.",
    );
  }
  if (typeof exp !== 'number' || exp <= nowSeconds - DRIFT_SECONDS) {
    throw new GitHubError(
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
    );
  }
  if (exp > nowSeconds + MAX_LIFETIME_SECONDS + DRIFT_SECONDS) {
    throw new GitHubError(401, "'Expiration time' claim ('exp') is too far in the future.");
  }
  return app;
}

function decodeJson(part: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through: GitHub answers the same for every undecodable token
  }
  throw undecodable();
}

function undecodable(): GitHubError {
  return new GitHubError(401, 'A JSON web token could not be decoded');
}
