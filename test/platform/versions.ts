import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The pinned versions of everything the local platform builds or installs (test/platform/versions.env). */
export interface PlatformVersions {
  readonly KUBERNETES_VERSION: string;
  readonly ETCD_VERSION: string;
  readonly KWOK_VERSION: string;
  readonly KUSTOMIZE_VERSION: string;
  readonly MOTO_VERSION: string;
  /** sigs.k8s.io/gateway-api, whose module ships the standard-channel CRDs (bin/fetch-crds.sh). */
  readonly GATEWAY_API_VERSION: string;
  /** github.com/kedacore/keda/v2 (ScaledObject, TriggerAuthentication, ... CRDs). */
  readonly KEDA_VERSION: string;
  /** k8s.io/autoscaler/vertical-pod-autoscaler (VerticalPodAutoscaler CRDs). */
  readonly VPA_VERSION: string;
  /** Debian suite of the local base image (bin/build-base-image.sh). */
  readonly BASE_IMAGE_SUITE: string;
  /** Bumped to rebuild the base image (new Debian security updates). */
  readonly BASE_IMAGE_REVISION: string;
}

const REQUIRED = [
  'KUBERNETES_VERSION',
  'ETCD_VERSION',
  'KWOK_VERSION',
  'KUSTOMIZE_VERSION',
  'MOTO_VERSION',
  'GATEWAY_API_VERSION',
  'KEDA_VERSION',
  'VPA_VERSION',
  'BASE_IMAGE_SUITE',
  'BASE_IMAGE_REVISION',
] as const;

/** Parses versions.env (KEY=value lines, # comments); the same file the bash build script sources. */
export function readVersions(file = fileURLToPath(new URL('./versions.env', import.meta.url))): PlatformVersions {
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(\S+)\s*$/.exec(line.trim());
    if (m?.[1] && m[2]) values[m[1]] = m[2];
  }
  for (const key of REQUIRED) {
    if (!values[key]) throw new Error(`${file}: ${key} is missing; every pinned version must be set there`);
  }
  return Object.freeze(values) as unknown as PlatformVersions;
}
