// Which apps an environment deploys: the apps whose directory its kustomization reaches through `resources`,
// `components` and `bases`, followed transitively (a base reached through another base counts). Only kustomization
// files are read, not the resources themselves: rendering 200 apps to learn this cost a second, this costs
// milliseconds (bench/decide-builds.ts).
import { parse as parseYaml } from 'yaml';
import { joinInside, type CommitApp } from '../../../core/build/decide-builds.js';
import { APPS_DIR, KUSTOMIZATION_FILES } from '../../../core/config/app-layout.js';
import type { FileSystem } from '../../../kustomize/fs/file-system.js';
import { ENVIRONMENTS_DIR } from '../read-environments.js';

const REFERENCE_FIELDS = ['resources', 'components', 'bases'] as const;

/**
 * The apps among `apps` that environment `name` reaches. A kustomization that cannot be read or parsed is skipped
 * here: the deploy renders the environment and reports that error itself.
 */
export function appsReached(tree: FileSystem, name: string, apps: readonly CommitApp[]): CommitApp[] {
  const reached = new Set<string>();
  const seen = new Set<string>();
  const visit = (dir: string): void => {
    let real: string;
    try {
      real = tree.realPath(dir);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    markApp(real, reached);
    for (const reference of references(tree, real)) {
      const target = joinInside(real, reference);
      if (target === undefined) continue;
      if (tree.kind(target) === 'directory') visit(target);
      else if (tree.kind(target) === 'file') markApp(target, reached);
    }
  };
  visit(`${ENVIRONMENTS_DIR}/${name}`);
  return apps.filter((app) => reached.has(app.dir));
}

/** The local paths a kustomization's reference fields name (remote URLs are never an app of this repository). */
function references(tree: FileSystem, dir: string): string[] {
  const file = KUSTOMIZATION_FILES.map((n) => `${dir}/${n}`).find((path) => tree.kind(path) === 'file');
  if (file === undefined) return [];
  let spec: unknown;
  try {
    spec = parseYaml(new TextDecoder().decode(tree.readFile(file)));
  } catch {
    return [];
  }
  if (typeof spec !== 'object' || spec === null) return [];
  const found: string[] = [];
  for (const field of REFERENCE_FIELDS) {
    const list = (spec as Record<string, unknown>)[field];
    if (!Array.isArray(list)) continue;
    for (const entry of list)
      if (typeof entry === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) found.push(entry);
  }
  return found;
}

/** Records `apps/<name>` when `path` lies under it. */
function markApp(path: string, reached: Set<string>): void {
  if (!path.startsWith(`${APPS_DIR}/`)) return;
  const end = path.indexOf('/', APPS_DIR.length + 1);
  reached.add(end < 0 ? path : path.slice(0, end));
}
