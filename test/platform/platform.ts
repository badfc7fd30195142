import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveControlPlaneBinaries } from './binaries.js';
import { crdSources, installCrds, readCrds } from './components/crds.js';
import { createFakeNodes } from './components/fake-nodes.js';
import { startEtcd } from './components/etcd.js';
import { startGitHubEmulator } from './components/github.js';
import { startKubeApiserver } from './components/kube-apiserver.js';
import { startKubeControllerManager, startKubeScheduler } from './components/kube-controllers.js';
import { controlPlaneProfile, tuningOf } from './components/control-plane-profile.js';
import { startImageGate, strictImages } from './components/image-gate.js';
import { startGatewayRouteStandIn } from './components/gateway-routes.js';
import { startKwok } from './components/kwok.js';
import { startLoadBalancerController } from './components/load-balancers.js';
import { startMetrics } from './components/metrics.js';
import { startMoto } from './components/moto.js';
import { startRedis } from './components/redis.js';
import { startRegistry } from './components/registry.js';
import { writeAdminKubeconfig } from './kubeconfig.js';
import { binaryDirs } from './paths.js';
import { createControlPlanePki } from './pki.js';
import { writeState, type PlatformState } from './state.js';
import { isAlive, stopProcessGroup, type ComponentRecord } from './supervise.js';
import { readVersions } from './versions.js';

export type PlatformPart = 'redis' | 'kubernetes' | 'aws' | 'registry' | 'github' | 'git' | 'metrics';
export const ALL_PARTS: readonly PlatformPart[] = ['redis', 'kubernetes', 'aws', 'registry', 'github', 'git', 'metrics'];

export interface StartOptions {
  /** Which services to start (default: all). */
  readonly parts?: readonly PlatformPart[];
  /**
   * Stop everything when this process exits, even by SIGKILL (a watchdog process polls it), until releaseOwner
   * hands the platform over.
   */
  readonly ownerPid?: number;
  /** Progress lines (default: stderr). */
  readonly log?: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

const WATCHDOG = fileURLToPath(new URL('./watchdog.ts', import.meta.url));

/** The state file inside a platform's state directory. */
export const stateFileOf = (stateDir: string) => join(stateDir, 'platform.json');

/**
 * Starts the local platform on free loopback ports with all state in a new temporary directory. Independent
 * services start in parallel; the control plane starts in dependency order (etcd → apiserver → controllers,
 * scheduler, kwok → nodes). If anything fails, everything already started is stopped before the error is
 * rethrown; the logs stay in the state directory, which the error names.
 */
export async function startPlatform(options: StartOptions = {}): Promise<PlatformState> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`[platform] ${line}\n`));
  const parts = new Set(options.parts ?? ALL_PARTS);
  const versions = readVersions();
  // The gate needs a control plane of our own (a real cluster's kubelets are strict already) and the registry it
  // asks. Without them strict images are off, unless asked for by name: then that is an error, before anything starts.
  const strict =
    parts.has('kubernetes') && parts.has('registry') && !env.GANTRY_KUBECONFIG ? strictImages(env) : undefined;
  if (!strict && env.GANTRY_STRICT_IMAGES === '1')
    throw new Error(
      'GANTRY_STRICT_IMAGES=1 needs the kubernetes and registry parts of the local platform (not GANTRY_KUBECONFIG)',
    );
  const stateDir = mkdtempSync(join(env.GANTRY_STATE_ROOT ?? tmpdir(), 'gantry-platform-'));
  const stateFile = stateFileOf(stateDir);
  const state: PlatformState = {
    version: 1,
    stateDir,
    startedAt: new Date().toISOString(),
    ownerPid: options.ownerPid,
    components: [],
    ...(strict && { imageAllowlist: strict.allow }),
  };
  const t0 = Date.now();
  const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  const started = (record: ComponentRecord) => {
    state.components.push(record);
    writeState(stateFile, state);
    log(`${record.name} ready after ${since()} (pid ${record.pid})`);
  };
  writeState(stateFile, state);
  if (options.ownerPid) startWatchdog(options.ownerPid, stateFile, stateDir);
  log(`state and logs in ${stateDir}`);

  const tasks: Promise<void>[] = [];
  if (parts.has('redis')) {
    // Opt-in: an existing Redis (CI's service container, ElastiCache through a tunnel). Tests isolate themselves
    // by queue prefix, so sharing one is safe.
    if (env.GANTRY_REDIS_URL) state.redis = { url: env.GANTRY_REDIS_URL, external: true };
    else
      tasks.push(
        startRedis(stateDir).then(({ record, endpoint }) => {
          started(record);
          state.redis = { url: endpoint.url, external: false };
        }),
      );
  }
  if (parts.has('aws')) {
    tasks.push(
      startMoto(binaryDirs(versions, env).motoVenv, stateDir).then(({ record, url }) => {
        started(record);
        state.aws = { endpoint: url, region: 'us-east-1', accessKeyId: 'testing', secretAccessKey: 'testing' };
      }),
    );
  }
  if (parts.has('registry'))
    tasks.push(
      startRegistry(stateDir, binaryDirs(versions, env).baseImage).then(({ record, host, baseImage }) => {
        started(record);
        state.registry = { host, baseImage };
      }),
    );
  if (parts.has('github')) {
    const token = `ghp_local${randomBytes(16).toString('hex')}`;
    tasks.push(
      startGitHubEmulator(stateDir, token).then(({ record, url }) => {
        started(record);
        state.github = { url, token };
      }),
    );
  }
  if (parts.has('kubernetes')) {
    tasks.push(
      startKubernetes(stateDir, env, started, strict !== undefined).then((k) => {
        state.kubernetes = k;
        log(`${k.nodes.length} kwok nodes Ready after ${since()}`);
      }),
    );
  }
  if (parts.has('metrics'))
    tasks.push(
      startMetrics(stateDir).then(({ records, endpoint }) => {
        records.forEach(started);
        state.metrics = endpoint;
      }),
    );
  if (parts.has('git')) {
    const root = join(stateDir, 'git');
    mkdirSync(root, { recursive: true });
    state.git = { root };
  }

  const results = await Promise.allSettled(tasks);
  if (strict && state.kubernetes && state.registry) {
    // Needs both the apiserver and the registry, so it starts last; until it runs, kwok starts no pod.
    const { kubeconfig } = state.kubernetes;
    const { host } = state.registry;
    results.push(
      ...(await Promise.allSettled([startImageGate(stateDir, kubeconfig, host, strict.allow).then(started)])),
    );
  }
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    log(`start failed; stopping the ${state.components.length} component(s) already running`);
    await stopComponents(state.components);
    state.components = [];
    // Nothing is left to guard: released, the watchdog exits instead of removing the logs the error points to.
    writeState(stateFile, { ...state, ownerPid: undefined });
    const reasons = failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason)));
    throw new Error(`the local platform did not start:\n\n${reasons.join('\n\n')}\n\n(logs kept in ${stateDir})`);
  }
  writeState(stateFile, state);
  log(`all up in ${since()}`);
  return state;
}

async function startKubernetes(
  stateDir: string,
  env: NodeJS.ProcessEnv,
  started: (r: ComponentRecord) => void,
  strictImages: boolean,
): Promise<NonNullable<PlatformState['kubernetes']>> {
  if (env.GANTRY_KUBECONFIG) {
    // Opt-in: use an existing cluster (kind, k3d, EKS) instead of starting a control plane.
    if (!existsSync(env.GANTRY_KUBECONFIG))
      throw new Error(`GANTRY_KUBECONFIG=${env.GANTRY_KUBECONFIG} does not exist`);
    return { kubeconfig: env.GANTRY_KUBECONFIG, server: '(from kubeconfig)', external: true, nodes: [] };
  }
  const versions = readVersions();
  const profile = controlPlaneProfile(env);
  const tuning = tuningOf(profile);
  const bins = resolveControlPlaneBinaries(versions, env);
  // Read before anything starts, so a missing CRD cache fails the start at once with the script to run.
  const crds = readCrds(crdSources(versions, env));
  const pkiDir = join(stateDir, 'pki');
  mkdirSync(pkiDir, { recursive: true, mode: 0o700 });
  // Settled: when the PKI fails while etcd starts, etcd is recorded first, so that the failed start stops it.
  const [pkiResult, etcdResult] = await Promise.allSettled([
    createControlPlanePki(pkiDir, { env }),
    startEtcd(bins.etcd, stateDir),
  ]);
  if (etcdResult.status === 'fulfilled') started(etcdResult.value.record);
  if (pkiResult.status === 'rejected') throw pkiResult.reason;
  if (etcdResult.status === 'rejected') throw etcdResult.reason;
  const [pki, etcd] = [pkiResult.value, etcdResult.value];
  const apiserver = await startKubeApiserver(bins.kubeApiserver, stateDir, etcd.url, pki);
  started(apiserver.record);
  const kubeconfig = join(stateDir, 'kubeconfig');
  writeAdminKubeconfig(kubeconfig, apiserver.server, pki);
  // Settled, not Promise.all: when one fails, the others that did start are recorded, so the failed start stops
  // them too instead of leaving them running with no record.
  const wave = await Promise.allSettled([
    startKubeControllerManager(bins.kubeControllerManager, stateDir, kubeconfig, pki, tuning.controllerManager),
    startKubeScheduler(bins.kubeScheduler, stateDir, kubeconfig, tuning.scheduler),
    startKwok(bins.kwok, bins.kwokStages, stateDir, kubeconfig, strictImages, tuning.kwok),
    startLoadBalancerController(stateDir, kubeconfig),
    startGatewayRouteStandIn(stateDir, kubeconfig),
  ]);
  for (const result of wave) if (result.status === 'fulfilled') started(result.value);
  const failed = wave.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  // The CRDs (VPA, KEDA, Gateway API, App Mesh) go in while kwok brings the nodes up.
  const [nodes] = await Promise.all([createFakeNodes(kubeconfig), installCrds(kubeconfig, crds)]);
  return { kubeconfig, server: apiserver.server, external: false, nodes, kubectl: bins.kubectl, controlPlane: profile };
}

/** Stop order: controllers and clients first, then the apiserver, then etcd (so nothing logs a lost store). */
const STOP_WAVES = [
  [
    'image-gate',
    'kwok',
    'kube-scheduler',
    'kube-controller-manager',
    'load-balancer-controller',
    'gateway-route-stand-in',
    'github-emulator',
    'moto',
    'registry',
    'redis',
    'prometheus',
    'pushgateway',
  ],
  ['kube-apiserver'],
  ['etcd'],
];

export async function stopComponents(components: readonly ComponentRecord[]): Promise<void> {
  const known = new Set(STOP_WAVES.flat());
  const waves = [
    ...STOP_WAVES.map((names) => components.filter((c) => names.includes(c.name))),
    components.filter((c) => !known.has(c.name)),
  ];
  for (const wave of waves) await Promise.all(wave.map((c) => stopProcessGroup(c.pid)));
}

/** Stops every component and removes the state directory. Verifies that no process is left. */
export async function stopPlatform(state: PlatformState, options: { keepState?: boolean } = {}): Promise<void> {
  await stopComponents(state.components);
  const alive = state.components.filter((c) => isAlive(c.pid));
  if (alive.length > 0)
    throw new Error(`platform down: still running: ${alive.map((c) => `${c.name} (pid ${c.pid})`).join(', ')}`);
  if (!options.keepState) rmSync(state.stateDir, { recursive: true, force: true });
}

/**
 * Lets a platform outlive the process that started it (`platform up` without --foreground). Its watchdog guarded
 * the start, so that a start interrupted by Ctrl-C or a kill leaves nothing running; it stops watching once it
 * reads the state file without an owner. Call it only once the platform can be found again (`down` needs it).
 */
export function releaseOwner(state: PlatformState): PlatformState {
  const released: PlatformState = { ...state, ownerPid: undefined };
  writeState(stateFileOf(state.stateDir), released);
  return released;
}

function startWatchdog(ownerPid: number, stateFile: string, stateDir: string): void {
  const child = spawn(process.execPath, ['--import', 'tsx', WATCHDOG, String(ownerPid), stateFile, stateDir], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
}
