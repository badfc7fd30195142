// Pinning: an environment runs exactly the images the build stage produced. The pins become kustomize `images`
// entries of the environment's own kustomization (`name: shop/catalog` → `newName: <registry>/shop/catalog`,
// `digest: sha256:…`), replacing the entry the overlay has for that name, so a plain `kustomize build` of the same
// overlay shows the placeholder tag and the pipeline's render shows the built digest.

/** An image as built, for one repository name of app.yaml. */
export interface ImagePin {
  /** The image name the manifests use: app.yaml's repository (`shop/catalog`). */
  readonly name: string;
  /** The repository as the builder's registry names it (`127.0.0.1:5000/shop/catalog`). */
  readonly repository: string;
  /** The content tag (kept for people; the digest decides what runs). */
  readonly tag: string;
  /** `sha256:…` of the image manifest. */
  readonly digest: string;
}

/** One kustomize `images` entry. */
export interface KustomizeImage {
  readonly name: string;
  readonly newName?: string;
  readonly newTag?: string;
  readonly digest?: string;
  readonly [field: string]: unknown;
}

/** `repository@digest`: what the pods run. */
export function pinnedReference(pin: Pick<ImagePin, 'repository' | 'digest'>): string {
  return `${pin.repository}@${pin.digest}`;
}

/**
 * The overlay's `images` list with one entry per pin: an entry for the same name is replaced (its newTag dropped,
 * since kustomize would otherwise keep both and a digest wins anyway, but a stale tag in the manifest misleads
 * people), the others are kept in order, and pins for names the overlay did not list are appended.
 */
export function pinImages(images: readonly KustomizeImage[] | undefined, pins: readonly ImagePin[]): KustomizeImage[] {
  const byName = new Map(pins.map((pin) => [pin.name, pin]));
  const entry = (pin: ImagePin): KustomizeImage => ({ name: pin.name, newName: pin.repository, digest: pin.digest });
  const result = (images ?? []).map((image) => {
    const pin = byName.get(image.name);
    if (pin === undefined) return image;
    byName.delete(image.name);
    return entry(pin);
  });
  return [...result, ...[...byName.values()].map(entry)];
}
