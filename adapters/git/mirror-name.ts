import { createHash } from 'node:crypto';
import { stripCredentials } from './mask-credentials.js';

/**
 * The directory name of a repository's mirror: readable (`github.com-acme-gitops-1a2b3c4d5e6f.git`), made only of
 * `[A-Za-z0-9._-]`, and unique per URL thanks to a hash of the credential-free URL (`a/b-c` and `a-b/c` would
 * otherwise collide). Credentials never reach the name, so a rotated token reuses the same mirror.
 */
export function mirrorName(cloneUrl: string): string {
  const url = stripCredentials(cloneUrl.trim()).replace(/\/+$/, '');
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 12);
  const readable = url
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\.git$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .slice(-80)
    .replace(/^[-.]+|[-.]+$/g, '');
  return `${readable === '' ? 'repo' : readable}-${hash}.git`;
}
