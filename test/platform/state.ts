import type { ControlPlaneProfile } from './components/control-plane-profile.js';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ComponentRecord } from './supervise.js';

/** Everything a client needs to reach the running platform, and what `down` needs to stop it. */
export interface PlatformState {
  readonly version: 1;
  readonly stateDir: string;
  readonly startedAt: string;
  /** When set, a watchdog stops the platform as soon as this process is gone (test runs). */
  readonly ownerPid?: number;
  components: ComponentRecord[];
  /** Set when nodes are strict about images (the image gate runs): the prefixes pullable from outside the registry. */
  readonly imageAllowlist?: readonly string[];
  /** `external` when GANTRY_REDIS_URL pointed at a Redis the platform did not start. */
  redis?: { readonly url: string; readonly external: boolean };
  kubernetes?: {
    readonly kubeconfig: string;
    readonly server: string;
    /** True when the platform uses a cluster it did not start (GANTRY_KUBECONFIG). */
    readonly external: boolean;
    readonly nodes: readonly string[];
    /**
     * The platform's own kubectl, built with the apiserver (the same version). Unset for an external cluster, whose
     * users bring their own `kubectl` on PATH.
     */
    readonly kubectl?: string;
    /** The controllers' and kwok's tuning (components/control-plane-profile.ts); absent on an external cluster. */
    readonly controlPlane?: ControlPlaneProfile;
  };
  aws?: {
    readonly endpoint: string;
    readonly region: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
  };
  /** `baseImage`: the local base image pushed at start (`<host>/gantry/base/node:18-bookworm`). */
  registry?: { readonly host: string; readonly baseImage: string };
  github?: { readonly url: string; readonly token: string };
  git?: { readonly root: string };
  /** Prometheus and the pushgateway it scrapes every second (components/metrics.ts). */
  metrics?: { readonly prometheusUrl: string; readonly pushgatewayUrl: string };
}

/** Writes atomically, so a watchdog or `status` never reads half a file. */
export function writeState(file: string, state: PlatformState): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

export function readState(file: string): PlatformState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`no platform state at ${file}: is the platform running? Start it with \`npm run platform -- up\``);
  }
  const state = JSON.parse(text) as PlatformState;
  if (state.version !== 1) throw new Error(`${file}: unknown platform state version ${String(state.version)}`);
  return state;
}
