// The build half of planning a push: which images each environment needs at the commit, and which of them the
// registry already holds (those need no build: a config-only commit, or one that touches only another app).
import { decideImages, type ImageSource } from '../../../core/build/decide-builds.js';
import type { TreeBlob } from '../../../core/build/content-tag.js';
import type { BuiltImage, ImageBuilder } from '../../../core/ports/image-builder.js';
import type { FileSystem } from '../../../kustomize/fs/file-system.js';
import { appsReached } from './apps-reached.js';
import { readApps } from './read-apps.js';

/** A commit's tree with its git listing: what deciding builds reads (the git adapter's GitTreeFileSystem). */
export interface ListedTree extends FileSystem {
  readonly entries: readonly (TreeBlob & { readonly type: string })[];
}

/** One image an environment needs, with the registry's copy when there is one. */
export interface ImageNeed {
  readonly source: ImageSource;
  /** Present when the registry holds the tag already: nothing to build, pin this. */
  readonly built?: BuiltImage;
}

/**
 * For each environment in `environments`, the images of the apps its render reaches, each looked up once in the
 * registry (several environments needing one tag share one lookup, as they will share one build).
 *
 * @throws DeployError InvalidConfig (an app.yaml, a context or a Dockerfile at fault); the builder's errors from `find`
 */
export async function planBuilds(
  tree: ListedTree,
  environments: readonly string[],
  builder: Pick<ImageBuilder, 'fingerprint' | 'find'>,
  signal?: AbortSignal,
): Promise<Map<string, ImageNeed[]>> {
  const apps = readApps(tree);
  if (apps.length === 0) return new Map(environments.map((env) => [env, []]));
  const blobs = tree.entries.filter((entry) => entry.type === 'blob');
  const sources = decideImages(apps, blobs, builder.fingerprint);
  const perEnv = new Map<string, ImageSource[]>();
  for (const env of environments) {
    const reached = new Set(appsReached(tree, env, apps).map((app) => app.config.name));
    perEnv.set(
      env,
      sources.filter((source) => reached.has(source.app)),
    );
  }
  const unique = new Map<string, ImageSource>();
  for (const list of perEnv.values()) for (const source of list) unique.set(buildKey(source), source);
  const found = new Map<string, BuiltImage | undefined>();
  await Promise.all(
    [...unique].map(async ([key, source]) => {
      found.set(key, await builder.find(source.repository, source.tag, signal));
    }),
  );
  const needs = new Map<string, ImageNeed[]>();
  for (const [env, list] of perEnv) {
    needs.set(
      env,
      list.map((source) => {
        const built = found.get(buildKey(source));
        return built ? { source, built } : { source };
      }),
    );
  }
  return needs;
}

/** One build per repository and content tag, whichever commits and environments need it. */
export function buildKey(source: Pick<ImageSource, 'repository' | 'tag'>): string {
  return `${source.repository}:${source.tag}`;
}
