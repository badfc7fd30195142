// Which changes can change an environment's render: the paths its kustomization read, as a recording of the
// file-system calls kustomize-ts made (pure: the recording is done by whoever renders).

/** What a render looked at. Paths are root-relative (`environments/dev/kustomization.yaml`). */
export interface RenderInputs {
  /** Files read, and paths looked up whether or not they existed (a file added there would be read next time). */
  readonly paths: ReadonlySet<string>;
  /** Directories listed or found: anything below one may be read by the next render. */
  readonly dirs: ReadonlySet<string>;
}

/**
 * The first of `changed` that the render could have seen differently, or undefined when none: a path it read or
 * looked up, or any path below a directory it listed or found. The root directory (`''`) covers everything.
 */
export function changedInput(changed: readonly string[], inputs: RenderInputs): string | undefined {
  return changed.find((path) => inputs.paths.has(path) || ancestors(path).some((dir) => inputs.dirs.has(dir)));
}

/** `a/b/c` → `['', 'a', 'a/b']`. */
function ancestors(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, index) => parts.slice(0, index).join('/'));
}
