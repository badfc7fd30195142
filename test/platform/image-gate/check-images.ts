import { manifestDigest, parseImageReference } from '../../../adapters/registry/index.js';

/** The annotation the gate writes on every pod: `ok` or `missing` (kwok stages select on it). */
export const IMAGE_CHECK_ANNOTATION = 'gantry.dev/image-check';
/** The first image the registry lacks, on a `missing` pod (for a person reading the pod). */
export const IMAGE_MISSING_ANNOTATION = 'gantry.dev/image-missing';

/** What a node may run: images in the local registry, and those starting with an allow-listed prefix. */
export interface ImagePolicy {
  /** The local registry's `host:port`. */
  readonly registry: string;
  /** Image name prefixes taken as pullable without asking (public images some tests deploy), e.g. `nginx:`. */
  readonly allow: readonly string[];
}

/**
 * The first of `images` a kubelet could not pull under `policy`, or undefined when all can be. An image in the local
 * registry is looked up by a manifest HEAD; an image anywhere else is missing unless allow-listed, since nothing can
 * be pulled from the internet here. A registry that does not answer counts as missing (so does a kubelet's pull).
 */
export async function firstMissingImage(images: readonly string[], policy: ImagePolicy): Promise<string | undefined> {
  for (const image of images) {
    if (policy.allow.some((prefix) => image.startsWith(prefix))) continue;
    if (!(await held(image, policy.registry))) return image;
  }
  return undefined;
}

async function held(image: string, registry: string): Promise<boolean> {
  if (!image.startsWith(`${registry}/`)) return false;
  try {
    const withTag = /[:@][^/]*$/.test(image.slice(registry.length + 1)) ? image : `${image}:latest`;
    const { repository, reference } = parseImageReference(withTag);
    return (await manifestDigest({ host: registry, insecure: true }, repository, reference)) !== undefined;
  } catch {
    return false;
  }
}
