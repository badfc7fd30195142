import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { binaryDirs } from './paths.js';
import { requireExecutable, requireFile } from './tools.js';
import type { PlatformVersions } from './versions.js';

export interface ControlPlaneBinaries {
  readonly etcd: string;
  readonly kubeApiserver: string;
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kubectl: string;
  readonly kwok: string;
  /** kwok's upstream "fast" stage set, extracted at build time from the kwok module. */
  readonly kwokStages: string;
}

const BUILD = 'bash test/platform/bin/build-binaries.sh';

/**
 * Finds each control-plane binary: first in KUBEBUILDER_ASSETS (the directory envtest users already have, holding
 * etcd, kube-apiserver, kubectl), then in the version-keyed cache that bin/build-binaries.sh fills.
 */
export function resolveControlPlaneBinaries(versions: PlatformVersions, env: NodeJS.ProcessEnv = process.env): ControlPlaneBinaries {
  const dirs = binaryDirs(versions, env);
  const assets = env.KUBEBUILDER_ASSETS;
  const pick = (name: string, cached: string, component: string) => {
    const fromAssets = assets ? join(assets, name) : undefined;
    if (fromAssets && existsSync(fromAssets)) return requireExecutable(fromAssets, name, `chmod +x ${fromAssets}`);
    return requireExecutable(join(cached, name), name, `${BUILD} ${component}`);
  };
  return {
    etcd: pick('etcd', dirs.etcd, 'etcd'),
    kubeApiserver: pick('kube-apiserver', dirs.kubernetes, 'kubernetes'),
    kubeControllerManager: pick('kube-controller-manager', dirs.kubernetes, 'kubernetes'),
    kubeScheduler: pick('kube-scheduler', dirs.kubernetes, 'kubernetes'),
    kubectl: pick('kubectl', dirs.kubernetes, 'kubernetes'),
    kwok: pick('kwok', dirs.kwok, 'kwok'),
    kwokStages: requireFile(join(dirs.kwok, 'stages-fast.yaml'), 'kwok stages', `${BUILD} kwok`),
  };
}
