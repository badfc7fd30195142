// The image builder: turns a build context taken from git objects into an image in a registry. Two
// implementations, chosen by configuration in the composition root: CodeBuild → ECR (adapters/aws/) and buildah →
// the local platform's OCI registry (adapters/registry/). Nothing outside an adapter knows which one runs.
//
// Tags are content tags decided in core/ from git objects (see the build stage); a builder never invents a tag. A
// builder that finds the tag already in its registry reports it without building, so a replayed build job (a
// killed worker, a second environment needing the same content) is a cache hit, not a second build.
import type { Reason } from '../reasons.js';

/** An image that exists in the builder's registry, pinned by digest. */
export interface BuiltImage {
  /** Repository as the builder's registry names it: `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/catalog`. */
  readonly repository: string;
  /** The content tag it was pushed with. */
  readonly tag: string;
  /** `sha256:…` of the manifest: what environments run (`repository@digest`). */
  readonly digest: string;
}

/** What to build: one image of one app, at one content tag. */
export interface BuildRequest {
  /** The app the image belongs to (for logs, reports and the builder's project naming). */
  readonly app: string;
  /** Registry-agnostic repository name from app.yaml (`shop/catalog`). */
  readonly repository: string;
  /** The content tag (decided from git objects; identical sources always give the same tag). */
  readonly tag: string;
  /**
   * The build context as an uncompressed tar archive, read from git objects at the commit (never from a work
   * tree): the bytes a builder uploads (S3 for CodeBuild) or unpacks (buildah).
   */
  readonly context: () => Promise<Buffer>;
  /** Path of the Dockerfile inside the context. */
  readonly dockerfile: string;
  /** `--build-arg` values from app.yaml. A builder may add its own (the base image it provides) on top. */
  readonly buildArgs: Readonly<Record<string, string>>;
  /** Stop the build (and fail it with BuildTimedOut) after this long. */
  readonly timeoutMs: number;
}

/**
 * A builder failure worth reporting as it is. `reason` says what kind (see core/reasons.ts: BuildFailed and the
 * others the adapters use); `logTail` is the last lines of the build log when there is one, for GitHub.
 */
export interface BuildFailure {
  readonly reason: Reason;
  readonly message: string;
  readonly logTail?: string;
}

export interface ImageBuilder {
  /**
   * A string that changes whenever this builder would produce different bytes from the same sources (the base
   * images it substitutes, for one). It is part of every content tag, so a local build and a CodeBuild build of
   * the same commit never share a tag with different contents.
   */
  readonly fingerprint: string;
  /** The image at `repository:tag` when the registry already holds it (no build needed), else undefined. */
  find(repository: string, tag: string, signal?: AbortSignal): Promise<BuiltImage | undefined>;
  /**
   * Builds and pushes the image, or returns the existing one when the tag is already there. Rejects with a
   * DeployError (reason BuildFailed, BuildTimedOut, Forbidden, RegistryUnavailable, RateLimited…; terminal or retryable by its reason) carrying a
   * {@link BuildFailure} as `cause` when the build itself failed.
   */
  build(request: BuildRequest, signal?: AbortSignal): Promise<BuiltImage>;
}
