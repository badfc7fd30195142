// Asks an OCI distribution registry for a manifest's digest without downloading it: HEAD on
// /v2/<name>/manifests/<reference> (OCI distribution spec, "Checking if content exists"), reading
// Docker-Content-Digest. The Accept list matters: a registry answers with (and digests) the manifest type the client
// says it takes, so single images (OCI or Docker schema 2) and indexes are all listed.
import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/** A registry to ask: `host:port`, and whether it speaks plain HTTP. */
export interface RegistryEndpoint {
  readonly host: string;
  readonly insecure: boolean;
}

/** How long one HEAD may take before the registry counts as not answering. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The digest (`sha256:…`) of `repository:reference` in the registry, or undefined when the registry does not hold it.
 * @throws DeployError RegistryUnavailable when the registry does not answer or answers 5xx; Forbidden on 401/403
 */
export async function manifestDigest(
  registry: RegistryEndpoint,
  repository: string,
  reference: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const image = `${registry.host}/${repository}:${reference}`;
  const url = `${registry.insecure ? 'http' : 'https'}://${registry.host}/v2/${repository}/manifests/${reference}`;
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'HEAD',
      headers: { Accept: MANIFEST_TYPES },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw new DeployError(Reason.RegistryUnavailable, `${image}: the registry did not answer (${describe(err)})`, {
      cause: err,
    });
  }
  if (response.status === 404) return undefined;
  if (response.status === 401 || response.status === 403)
    throw new DeployError(
      Reason.Forbidden,
      `${image}: the registry refused to say whether it holds the image (HTTP ${response.status})`,
    );
  if (response.status === 429)
    throw new DeployError(Reason.RateLimited, `${image}: the registry answered 429 Too Many Requests`);
  if (!response.ok)
    throw new DeployError(
      Reason.RegistryUnavailable,
      `${image}: the registry answered HTTP ${response.status} to a manifest check`,
    );
  const digest = response.headers.get('docker-content-digest');
  if (!digest || !/^sha256:[0-9a-f]{64}$/.test(digest))
    throw new DeployError(
      Reason.RegistryUnavailable,
      `${image}: the registry's answer has no Docker-Content-Digest header`,
    );
  return digest;
}

/** `host/name:tag` or `host/name@sha256:…` split into its registry host, repository and reference. */
export function parseImageReference(image: string): { host: string; repository: string; reference: string } {
  const slash = image.indexOf('/');
  const at = image.lastIndexOf('@');
  const colon = image.lastIndexOf(':');
  const split = at > slash ? at : colon > slash ? colon : -1;
  if (slash <= 0 || split < 0)
    throw new Error(`${image}: not an image reference of the form host/name:tag or host/name@sha256:…`);
  return { host: image.slice(0, slash), repository: image.slice(slash + 1, split), reference: image.slice(split + 1) };
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
