// A signed visitor id, so the storefront recognizes a returning browser without any server-side session store.
// The signing key comes from the environment's generated Secret (SESSION_SECRET).
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** @param {string} secret @param {string} id */
function sign(secret, id) {
  return createHmac('sha256', secret).update(id).digest('base64url');
}

/**
 * Returns the visitor id from a valid `visitor` cookie, or a new id and the Set-Cookie value to send.
 * @param {string} secret
 * @param {string | undefined} cookieHeader
 * @returns {{ id: string, setCookie?: string }}
 */
export function visitorFrom(secret, cookieHeader) {
  const raw = /(?:^|;\s*)visitor=([\w-]+)\.([\w-]+)/.exec(cookieHeader ?? '');
  if (raw?.[1] && raw[2]) {
    const expected = Buffer.from(sign(secret, raw[1]));
    const given = Buffer.from(raw[2]);
    if (expected.length === given.length && timingSafeEqual(expected, given)) return { id: raw[1] };
  }
  const id = randomUUID();
  return { id, setCookie: `visitor=${id}.${sign(secret, id)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=2592000` };
}
