/**
 * Every failure of a render is a {@link KustomizeError}: it names the kustomization file and the field that led to
 * it, carries a closed `reason`, and keeps the underlying error as `cause`. A render that fails returns no output.
 */

/** What went wrong, as a closed set (the same classes of error the kustomize CLI distinguishes). */
export type KustomizeErrorReason =
  /** A referenced file or directory does not exist. */
  | 'missing-file'
  /** A directory has no kustomization.yaml / kustomization.yml / Kustomization. */
  | 'missing-kustomization'
  /** The kustomization file is malformed: unknown field, wrong type, bad kind. */
  | 'invalid-kustomization'
  /** A resource or patch file is not valid YAML, or is not a Kubernetes object. */
  | 'invalid-yaml'
  /** A kustomization includes itself, directly or through others. */
  | 'cycle'
  /** Two resources share group/version/kind, namespace and name. */
  | 'duplicate-id'
  /** A path, or a symlink on it, leads outside the repository or the kustomization's directory. */
  | 'outside-root'
  /** A file exceeds the size limit. */
  | 'too-large'
  /** A feature kustomize has but kustomize-ts refuses (helm, plugins, remote bases...). */
  | 'not-supported'
  /** A patch without a target names a resource that does not exist. */
  | 'patch-target-not-found'
  /** A patch could not be applied. */
  | 'patch-failed'
  /** A replacement could not be applied. */
  | 'replacement-failed'
  /** A configMapGenerator / secretGenerator entry is invalid, or its merge/replace target is wrong. */
  | 'generator-failed'
  /** A name reference is ambiguous. */
  | 'name-reference'
  /** A transformer (images, replicas, labels, namespace...) met a field it cannot change. */
  | 'transform-failed';

/** Where an error comes from: the kustomization file (root-relative) and the field inside it. */
export interface ErrorLocation {
  /** Root-relative path of the kustomization file, e.g. `environments/dev/kustomization.yaml`. */
  readonly file: string;
  /** The field, e.g. `patches[1]`, `resources[0]`, `configMapGenerator[0].files[2]`. */
  readonly field?: string;
}

/** A render failure; the message reads `KustomizeError: <file>: <field>: <detail>`. */
export class KustomizeError extends Error {
  override readonly name = 'KustomizeError';
  readonly file: string;
  readonly field: string | undefined;

  constructor(
    readonly reason: KustomizeErrorReason,
    location: ErrorLocation,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${location.file}${location.field === undefined ? '' : `: ${location.field}`}: ${detail}`,
      options,
    );
    this.file = location.file;
    this.field = location.field;
  }
}

/** Marks a failure raised below the kustomization level; the loader rethrows it with file and field. */
export class KustomizeFailure extends Error {
  override readonly name = 'KustomizeFailure';
  constructor(
    readonly reason: KustomizeErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
