import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlatformVersions } from './versions.js';

/** Repository root (this file lives in test/platform/). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * Cache for everything slow to make: Go-built binaries, the AWS emulator's virtualenv and the base image, keyed by
 * version.
 * Outside the repository so a fresh clone (CI) reuses it; override with GANTRY_CACHE.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.GANTRY_CACHE ?? join(homedir(), '.cache', 'gantry');
}

/** Where the built binaries of each component live (see bin/build-binaries.sh). */
export function binaryDirs(versions: PlatformVersions, env: NodeJS.ProcessEnv = process.env) {
  const bin = join(cacheDir(env), 'bin');
  return {
    kubernetes: join(bin, `kubernetes-${versions.KUBERNETES_VERSION}`),
    etcd: join(bin, `etcd-${versions.ETCD_VERSION}`),
    kwok: join(bin, `kwok-${versions.KWOK_VERSION}`),
    kustomize: join(bin, `kustomize-${versions.KUSTOMIZE_VERSION}`),
    motoVenv: join(cacheDir(env), `venv-moto-${versions.MOTO_VERSION}`),
    /** The base image's OCI layout and its `ref` file (bin/build-base-image.sh). */
    baseImage: join(cacheDir(env), `base-image-${versions.BASE_IMAGE_SUITE}-${versions.BASE_IMAGE_REVISION}`),
  } as const;
}

/** The pointer file through which `platform status|down` find the platform that `platform up` started. */
export function currentPlatformFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.GANTRY_PLATFORM_FILE ?? join(REPO_ROOT, '.gantry', 'platform.json');
}
