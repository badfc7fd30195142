// The environment's tree as the deploy renders it once images are built: the same commit, with the overlay's
// kustomization carrying `images` entries that pin every built image by digest (core/build/image-pins.ts).
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { pinImages, type ImagePin, type KustomizeImage } from '../../../core/build/image-pins.js';
import { KUSTOMIZATION_FILES } from '../../../core/config/app-layout.js';
import { DeployError } from '../../../core/deploy-error.js';
import { Reason } from '../../../core/reasons.js';
import type { EntryKind, FileSystem } from '../../../kustomize/fs/file-system.js';

/**
 * `tree` with the kustomization of directory `dir` rewritten to pin `pins`; `tree` itself when there is nothing
 * to pin. Only that one file differs, so every other file, and every error kustomize-ts reports, reads as before.
 *
 * @throws DeployError RenderFailed when the kustomization is not a YAML mapping (the render would fail anyway)
 */
export function pinnedTree(tree: FileSystem, dir: string, pins: readonly ImagePin[]): FileSystem {
  if (pins.length === 0) return tree;
  const file = KUSTOMIZATION_FILES.map((name) => `${dir}/${name}`).find((path) => tree.kind(path) === 'file');
  if (file === undefined) return tree;
  const document: unknown = parseYaml(new TextDecoder().decode(tree.readFile(file)));
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw new DeployError(Reason.RenderFailed, `${file} is not a YAML mapping; cannot pin the built images`);
  const spec = document as { images?: KustomizeImage[] };
  const pinned = stringifyYaml({ ...spec, images: pinImages(spec.images, pins) });
  return new OverriddenFileSystem(tree, tree.realPath(file), new TextEncoder().encode(pinned));
}

/** A file system with one file's bytes replaced. */
class OverriddenFileSystem implements FileSystem {
  constructor(
    private readonly inner: FileSystem,
    private readonly path: string,
    private readonly bytes: Uint8Array,
  ) {}

  kind(path: string): EntryKind {
    return this.inner.kind(path);
  }

  readFile(path: string): Uint8Array {
    return this.inner.kind(path) === 'file' && this.inner.realPath(path) === this.path
      ? this.bytes
      : this.inner.readFile(path);
  }

  readDir(path: string): readonly string[] {
    return this.inner.readDir(path);
  }

  realPath(path: string): string {
    return this.inner.realPath(path);
  }
}
