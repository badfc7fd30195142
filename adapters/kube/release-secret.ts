// One release as one Secret, like Helm's release Secrets: labels to find it by, the record and the rendered
// manifests gzipped inside (Secret data is base64 on the wire), so a rollback needs nothing but the cluster.
import { gunzipSync, gzipSync } from 'node:zlib';
import { DeployError } from '../../core/deploy-error.js';
import type { KubeObject } from '../../core/kube/object.js';
import { ENVIRONMENT_LABEL } from '../../core/kube/pipeline-metadata.js';
import { ClusterError } from '../../core/ports/cluster-error.js';
import { Reason } from '../../core/reasons.js';
import { releaseSchema, type Release } from '../../core/release/release.js';

export const RELEASE_SECRET_TYPE = 'gantry.dev/release.v1';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const REVISION_LABEL = 'gantry.dev/revision';
export const OUTCOME_LABEL = 'gantry.dev/outcome';
export const MANAGED_BY = 'gantry';

/** The apiserver refuses Secrets whose data exceeds 1 MiB. */
const MAX_SECRET_BYTES = 1024 * 1024;

/** `gantry-release.staging.v12`. */
export function releaseSecretName(environment: string, revision: number): string {
  return `gantry-release.${environment}.v${revision}`;
}

/** The label selector of one environment's release Secrets. */
export function releaseSelector(environment: string): string {
  return `${MANAGED_BY_LABEL}=${MANAGED_BY},${ENVIRONMENT_LABEL}=${environment}`;
}

/** gzip, then base64: the form Secret data takes. */
export function pack(value: unknown): string {
  return gzipSync(JSON.stringify(value)).toString('base64');
}

/**
 * The Secret of a release. `manifests` is already packed (an outcome update carries the stored one over untouched).
 *
 * @throws ClusterError (TooLarge) when the packed data would not fit in a Secret
 */
export function releaseSecret(
  release: Release & Record<string, unknown>,
  namespace: string,
  manifests: string,
): KubeObject {
  const record = pack(release);
  const bytes = Buffer.byteLength(record, 'base64') + Buffer.byteLength(manifests, 'base64');
  const name = releaseSecretName(release.environment, release.revision);
  if (bytes > MAX_SECRET_BYTES) {
    const ref = { group: '', version: 'v1', kind: 'Secret', namespace, name };
    throw new ClusterError({
      code: 'TooLarge',
      operation: 'release-store',
      ref,
      detail: `the release record and manifests take ${bytes} bytes gzipped; a Secret holds at most ${MAX_SECRET_BYTES}`,
    });
  }
  const labels = {
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [ENVIRONMENT_LABEL]: release.environment,
    [REVISION_LABEL]: String(release.revision),
    [OUTCOME_LABEL]: release.outcome,
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: RELEASE_SECRET_TYPE,
    metadata: { name, namespace, labels },
    data: { release: record, manifests },
  };
}

/** The release record inside a release Secret. @throws DeployError (ReleaseRecordInvalid) */
export function readRelease(secret: KubeObject): Release {
  return parseRelease(secret, unpack(secret, 'release'));
}

/**
 * The record as stored, checked, and with fields this version does not know kept: an update writes them back, so
 * an older worker sharing the cluster with a newer one never strips what the newer one recorded.
 *
 * @throws DeployError (ReleaseRecordInvalid)
 */
export function readStoredRecord(secret: KubeObject): Release & Record<string, unknown> {
  const stored = unpack(secret, 'release');
  parseRelease(secret, stored);
  return stored as Release & Record<string, unknown>;
}

function parseRelease(secret: KubeObject, stored: unknown): Release {
  const parsed = releaseSchema.safeParse(stored);
  if (!parsed.success)
    throw invalid(
      secret,
      `its release record does not parse: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'} ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** The manifests inside a release Secret. @throws DeployError (ReleaseRecordInvalid) */
export function readManifests(secret: KubeObject): KubeObject[] {
  const manifests = unpack(secret, 'manifests');
  const valid =
    Array.isArray(manifests) &&
    manifests.every(
      (m) => typeof m?.kind === 'string' && typeof m?.apiVersion === 'string' && typeof m?.metadata?.name === 'string',
    );
  if (!valid) throw invalid(secret, 'its manifests are not a list of Kubernetes objects');
  return manifests as KubeObject[];
}

/** The packed manifests of a release Secret, as stored. */
export function packedManifests(secret: KubeObject): string {
  const value = (secret.data as Record<string, unknown> | undefined)?.manifests;
  if (typeof value !== 'string') throw invalid(secret, 'it has no manifests');
  return value;
}

function unpack(secret: KubeObject, key: 'release' | 'manifests'): unknown {
  const value = (secret.data as Record<string, unknown> | undefined)?.[key];
  if (typeof value !== 'string') throw invalid(secret, `it has no data.${key}`);
  try {
    return JSON.parse(gunzipSync(Buffer.from(value, 'base64')).toString('utf8'));
  } catch (err) {
    throw invalid(secret, `data.${key} is not gzipped JSON (${err instanceof Error ? err.message : String(err)})`, err);
  }
}

function invalid(secret: KubeObject, why: string, cause?: unknown): DeployError {
  const ref = {
    group: '',
    version: 'v1',
    kind: 'Secret',
    namespace: secret.metadata.namespace,
    name: secret.metadata.name,
  };
  return new DeployError(Reason.ReleaseRecordInvalid, `is not a readable release: ${why}`, { ref, cause });
}
