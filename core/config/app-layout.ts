// Where a repository keeps its apps, and what makes a directory one. An app is recognised by its kustomize base,
// not by app.yaml: a third-party base (Online Boutique, a vendored chart's output) needs nothing from app.yaml,
// and requiring a file that only restates the manifests is how dummy app.yaml files came to pass unexamined.

/** The folder holding one directory per app. */
export const APPS_DIR = 'apps';

/** The kustomization file names kustomize looks for, in its order of preference. */
export const KUSTOMIZATION_FILES = Object.freeze(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

/** The paths of app `name`, relative to the repository root. */
export interface AppPaths {
  /** `apps/<name>`. */
  readonly dir: string;
  /** `apps/<name>/base`: the kustomize base that makes the directory an app; environments list it in `resources:`. */
  readonly base: string;
  /** `apps/<name>/app.yaml`: optional. */
  readonly config: string;
}

/** The paths of app `name` (see {@link AppPaths}). */
export function appPaths(name: string): AppPaths {
  const dir = `${APPS_DIR}/${name}`;
  return { dir, base: `${dir}/base`, config: `${dir}/app.yaml` };
}
