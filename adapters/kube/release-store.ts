// The release history of one environment, as release Secrets in its namespace (see release-secret.ts), written
// and read through the Cluster port only.
import type { KubeObject } from '../../core/kube/object.js';
import { ClusterError } from '../../core/ports/cluster-error.js';
import type { Cluster } from '../../core/ports/cluster.js';
import type { ReleaseDraft, ReleaseStore, ReleaseUpdate, StoredRelease } from '../../core/ports/release-store.js';
import { releaseSchema, type Release } from '../../core/release/release.js';
import { lastGoodRelease, nextRevision, releasesToKeep } from '../../core/release/release-history.js';
import {
  pack,
  packedManifests,
  readManifests,
  readRelease,
  readStoredRecord,
  RELEASE_SECRET_TYPE,
  releaseSecret,
  releaseSecretName,
  releaseSelector,
} from './release-secret.js';

export interface KubeReleaseStoreOptions {
  /** The environment's name, as in env.yaml. */
  readonly environment: string;
  /** The environment's namespace: its releases live there, next to what they deployed. */
  readonly namespace: string;
  /** Field manager of the release Secrets. Default `gantry`. */
  readonly fieldManager?: string;
}

type Signal = { signal?: AbortSignal };

/** {@link ReleaseStore} for one environment, on any {@link Cluster}. */
export class KubeReleaseStore implements ReleaseStore {
  private readonly environment: string;
  private readonly namespace: string;
  private readonly fieldManager: string;

  constructor(
    private readonly cluster: Cluster,
    options: KubeReleaseStoreOptions,
  ) {
    this.environment = options.environment;
    this.namespace = options.namespace;
    this.fieldManager = options.fieldManager ?? 'gantry';
  }

  async record(draft: ReleaseDraft, manifests: readonly KubeObject[], options: Signal = {}): Promise<Release> {
    const releases = await this.list(options);
    const revision = releases.find((r) => r.deployId === draft.deployId)?.revision ?? nextRevision(releases);
    const release: Release = { ...draft, environment: this.environment, revision };
    await this.write(releaseSecret(release, this.namespace, pack(manifests)), options);
    return release;
  }

  async update(revision: number, update: ReleaseUpdate, options: Signal = {}): Promise<Release> {
    const secret = await this.cluster.get(this.refOf(revision), options);
    if (!secret)
      throw new ClusterError({
        code: 'NotFound',
        operation: 'release-store',
        ref: this.refOf(revision),
        detail: `no release ${revision} in environment ${this.environment}`,
      });
    const stored = { ...readStoredRecord(secret), ...update };
    await this.write(releaseSecret(stored, this.namespace, packedManifests(secret)), options);
    return releaseSchema.parse(stored);
  }

  async list(options: Signal = {}): Promise<readonly Release[]> {
    const secrets = await this.cluster.list(
      { apiVersion: 'v1', kind: 'Secret', namespace: this.namespace, labelSelector: releaseSelector(this.environment) },
      options,
    );
    return secrets
      .filter((s) => s.type === RELEASE_SECRET_TYPE)
      .map(readRelease)
      .sort((a, b) => b.revision - a.revision);
  }

  async get(revision: number, options: Signal = {}): Promise<StoredRelease | undefined> {
    const secret = await this.cluster.get(this.refOf(revision), options);
    return secret && { release: readRelease(secret), manifests: readManifests(secret) };
  }

  async lastGood(options: Signal = {}): Promise<StoredRelease | undefined> {
    const good = lastGoodRelease(await this.list(options));
    return good && this.get(good.revision, options);
  }

  /** Keeps what core's `releasesToKeep` keeps (the newest `keep` and the last good release); deletes the rest, oldest first. */
  async prune(keep: number, options: Signal = {}): Promise<readonly number[]> {
    const { drop } = releasesToKeep(await this.list(options), keep);
    const doomed = drop.map((r) => r.revision).reverse();
    for (const revision of doomed) await this.cluster.delete(this.refOf(revision), options);
    return doomed;
  }

  private async write(secret: KubeObject, options: Signal): Promise<void> {
    // force: the store owns its Secrets outright; a field some other manager touched must not block recording.
    const [result] = await this.cluster.apply([secret], {
      fieldManager: this.fieldManager,
      force: true,
      signal: options.signal,
    });
    if (result?.outcome === 'failed') throw result.error;
  }

  private refOf(revision: number) {
    return {
      group: '',
      version: 'v1',
      kind: 'Secret',
      namespace: this.namespace,
      name: releaseSecretName(this.environment, revision),
    };
  }
}
