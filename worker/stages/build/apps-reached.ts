// Which apps an environment deploys: the apps whose directory its render reads. Exact whatever the overlay's shape
// (resources, components, a base reached through another base), because kustomize-ts itself follows the references.
import { APPS_DIR, type CommitApp } from '../../../core/build/decide-builds.js';
import type { EntryKind, FileSystem } from '../../../kustomize/fs/file-system.js';
import { renderEnvironment } from '../deploy/render-environment.js';

/**
 * The apps among `apps` that environment `name`'s render reads files of. A render that fails reaches none: the
 * deploy renders again and reports the error there, with nothing built for it.
 */
export function appsReached(tree: FileSystem, name: string, apps: readonly CommitApp[]): CommitApp[] {
  const recording = new RecordingFileSystem(tree);
  try {
    renderEnvironment(recording, name);
  } catch {
    return [];
  }
  return apps.filter((app) => recording.readUnder(`${app.dir}/`));
}

/** A file system that remembers which real paths were read through it. */
class RecordingFileSystem implements FileSystem {
  private readonly read = new Set<string>();

  constructor(private readonly inner: FileSystem) {}

  readUnder(prefix: string): boolean {
    for (const path of this.read) if (path.startsWith(prefix)) return true;
    return false;
  }

  kind(path: string): EntryKind {
    return this.inner.kind(path);
  }

  readFile(path: string): Uint8Array {
    const bytes = this.inner.readFile(path);
    const real = this.inner.realPath(path);
    if (real.startsWith(`${APPS_DIR}/`)) this.read.add(real);
    return bytes;
  }

  readDir(path: string): readonly string[] {
    return this.inner.readDir(path);
  }

  realPath(path: string): string {
    return this.inner.realPath(path);
  }
}
