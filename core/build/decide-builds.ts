// Deciding what to build: for each image of each app, where its sources are and which content tag they give, from
// the commit's git tree listing alone (no work tree). Whether a tag must be built is the registry's answer
// (ImageBuilder.find); this file only says what each tag is.
import type { AppConfig, AppImage } from '../config/app-config.js';
import { APPS_DIR } from '../config/app-layout.js';
import { globToRegExp } from '../config/watch-patterns.js';
import { DeployError } from '../deploy-error.js';
import { Reason } from '../reasons.js';
import { contentTag, type TreeBlob } from './content-tag.js';

/** An app of the commit: its directory and its parsed app.yaml. */
export interface CommitApp {
  /** `apps/catalog`. */
  readonly dir: string;
  readonly config: AppConfig;
}

/** One image of one app at one commit, with its content tag: everything a build job needs but the bytes. */
export interface ImageSource {
  readonly app: string;
  /** The image's name within the app (`catalog`, or `cartservice` for an app with several). */
  readonly image: string;
  /** Registry-agnostic repository from app.yaml (`shop/catalog`): also the image name the manifests use. */
  readonly repository: string;
  readonly tag: string;
  /** Repository-relative context directory (`apps/catalog`). */
  readonly context: string;
  /** The Dockerfile's path inside the context. */
  readonly dockerfile: string;
  readonly buildArgs: Readonly<Record<string, string>>;
  /** How many images the app builds (reports name the image only when there are several). */
  readonly imagesOfApp: number;
}

/**
 * The images of `apps` at the commit whose tree `blobs` lists, each with its content tag. One pass over the
 * listing groups blobs by app directory, so the cost is the tree's size plus the apps' own files, whatever the
 * number of apps.
 *
 * @param blobs every blob of the commit (`git ls-tree -r`), in any order
 * @param fingerprint the builder's {@link ImageBuilder.fingerprint}
 * @throws DeployError InvalidConfig (terminal) for a context that leaves the repository, a Dockerfile outside its
 *   context, or a Dockerfile missing from the commit; the message names the app.yaml and the field
 */
export function decideImages(
  apps: readonly CommitApp[],
  blobs: readonly TreeBlob[],
  fingerprint: string,
): ImageSource[] {
  const byDir = groupByAppDir(blobs);
  const sources: ImageSource[] = [];
  for (const app of apps) {
    const own = byDir.get(app.dir) ?? [];
    app.config.images.forEach((image, index) => sources.push(imageSource(app, image, index, own, blobs, fingerprint)));
  }
  return sources;
}

function imageSource(
  app: CommitApp,
  image: AppImage,
  index: number,
  own: readonly TreeBlob[],
  all: readonly TreeBlob[],
  fingerprint: string,
): ImageSource {
  const field = `${app.dir}/app.yaml: images[${index}]`;
  const context = joinInside(app.dir, image.context);
  if (context === undefined) throw invalid(`${field}.context "${image.context}" leaves the repository; keep it inside`);
  const dockerfile = joinInside(app.dir, image.dockerfile);
  if (dockerfile === undefined)
    throw invalid(`${field}.dockerfile "${image.dockerfile}" leaves the repository; keep it inside the context`);
  const inContext = relativeInside(context, dockerfile);
  if (inContext === undefined)
    throw invalid(`${field}.dockerfile ${dockerfile} is outside the build context ${context || '.'}; move it inside`);
  const dockerfileBlob = own.find((blob) => blob.path === dockerfile) ?? all.find((blob) => blob.path === dockerfile);
  if (dockerfileBlob === undefined)
    throw invalid(`${field}.dockerfile ${dockerfile} does not exist in this commit; add it or fix the path`);
  const patterns = image.watch.map((pattern) => ({
    negated: pattern.startsWith('!'),
    regexp: globToRegExp(pattern.startsWith('!') ? pattern.slice(1) : pattern),
  }));
  const prefix = `${app.dir}/`;
  const watched = own.filter((blob) => isWatched(patterns, blob.path.slice(prefix.length)));
  const tag = contentTag({
    context,
    dockerfile,
    dockerfileOid: dockerfileBlob.oid,
    watched,
    buildArgs: image.buildArgs,
    fingerprint,
  });
  return {
    app: app.config.name,
    image: image.name,
    repository: image.repository,
    tag,
    context,
    dockerfile: inContext,
    buildArgs: image.buildArgs,
    imagesOfApp: app.config.images.length,
  };
}

/** The same rule as core/config/watch-patterns.ts (last match wins), with the patterns compiled once per image. */
function isWatched(patterns: readonly { negated: boolean; regexp: RegExp }[], path: string): boolean {
  let watched = false;
  for (const { negated, regexp } of patterns) if (regexp.test(path)) watched = !negated;
  return watched;
}

/** Blobs by their `apps/<name>` directory; blobs elsewhere are left out. */
function groupByAppDir(blobs: readonly TreeBlob[]): Map<string, TreeBlob[]> {
  const groups = new Map<string, TreeBlob[]>();
  const prefix = `${APPS_DIR}/`;
  for (const blob of blobs) {
    if (!blob.path.startsWith(prefix)) continue;
    const end = blob.path.indexOf('/', prefix.length);
    if (end < 0) continue;
    const dir = blob.path.slice(0, end);
    const group = groups.get(dir);
    if (group) group.push(blob);
    else groups.set(dir, [blob]);
  }
  return groups;
}

/** `base` joined with `path` and normalized, or undefined when it climbs above the repository root. */
export function joinInside(base: string, path: string): string | undefined {
  if (path.startsWith('/')) return undefined;
  const parts: string[] = [];
  for (const segment of `${base}/${path}`.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(segment);
  }
  return parts.join('/');
}

/** `path` relative to directory `dir` when it lies inside it, else undefined. */
function relativeInside(dir: string, path: string): string | undefined {
  if (dir === '') return path;
  return path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : undefined;
}

function invalid(message: string): DeployError {
  return new DeployError(Reason.InvalidConfig, message);
}
