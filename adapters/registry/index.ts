export { createBuildahBuilder, BASE_IMAGE_ARG } from './buildah-builder.js';
export { readBuildahConfig, BuildahConfigError, type BuildahConfig } from './buildah-config.js';
export { manifestDigest, parseImageReference, type RegistryEndpoint } from './manifest-digest.js';
