/**
 * Replaces the user-info part of every URL in `text` with `***`: `https://x-access-token:ghs_abc@github.com/o/r`
 * becomes `https://***@github.com/o/r`. Git echoes the remote URL in its errors ("repository 'https://…' not
 * found"), so every message that leaves this adapter goes through here first.
 */
export function maskCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
}

/**
 * The URL without its user-info, used to name a mirror: a rotated token must land in the same mirror, and the
 * mirror's name must never contain the token.
 */
export function stripCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/i, '$1');
}
