// The content tag of an image: a digest of everything that decides its bytes, read from git object ids. Identical
// sources give the same tag on any commit, so a config-only commit, or a commit that touches only another app, finds
// its tag already in the registry and builds nothing. The builder's fingerprint is part of it, so a local build and
// a CodeBuild build of one commit (different base images) never share a tag with different contents.
import { sha256Hex } from '../hash/sha256.js';

/** One blob of a commit's tree, as `git ls-tree -r` lists it. */
export interface TreeBlob {
  /** Root-relative POSIX path. */
  readonly path: string;
  /** `100644`, `100755`, `120000` (symlink) or `160000` (submodule): a mode change changes the image too. */
  readonly mode: string;
  /** The git object id: equal ids, equal content. */
  readonly oid: string;
}

/** What a content tag is computed from. */
export interface TagInputs {
  /** The repository-relative context directory (`apps/catalog`, or `''` for the root). */
  readonly context: string;
  /** The Dockerfile's repository-relative path. */
  readonly dockerfile: string;
  /** The Dockerfile's blob id (hashed even when `watch` does not cover it: it always decides the image). */
  readonly dockerfileOid: string;
  /** The watched blobs, in any order (sorted here). */
  readonly watched: readonly TreeBlob[];
  readonly buildArgs: Readonly<Record<string, string>>;
  /** The builder's fingerprint (ImageBuilder.fingerprint). */
  readonly fingerprint: string;
}

/** The prefix of every content tag: it tells a tag the pipeline computed from one a person pushed. */
export const CONTENT_TAG_PREFIX = 'src-';

/** Bumped when the tag's recipe changes, so old tags are never mistaken for new ones. */
const RECIPE = 'gantry-content-tag/1';

/**
 * `src-` plus 32 hex digits (128 bits of SHA-256): a valid OCI tag, short enough to read in a check run. Every
 * field is written on its own line with its length-free separators (NUL, which no path or arg can hold), so two
 * different inputs cannot produce the same text.
 */
export function contentTag(inputs: TagInputs): string {
  const watched = [...inputs.watched].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const args = Object.entries(inputs.buildArgs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = [
    RECIPE,
    `fingerprint\0${inputs.fingerprint}`,
    `context\0${inputs.context}`,
    `dockerfile\0${inputs.dockerfile}\0${inputs.dockerfileOid}`,
    ...args.map(([name, value]) => `arg\0${name}\0${value}`),
    ...watched.map((blob) => `blob\0${blob.mode}\0${blob.oid}\0${blob.path}`),
  ];
  return `${CONTENT_TAG_PREFIX}${sha256Hex(lines.join('\n')).slice(0, 32)}`;
}
