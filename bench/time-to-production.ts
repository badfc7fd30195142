// Benchmark: Flux's mean-time-to-production, reproduced on the local platform: N Deployments (each with a Service
// and a ConfigMap, 1 replica) in one environment, from the push webhook's 202 to every Deployment Ready, through the
// real pipeline (the webhook service and a worker in this process, as test/e2e/pipeline-kit.ts runs them).
//   npm run bench:mttp [-- --sizes 100,500,1000 --control-plane production,stock --write]
// Each control-plane profile (test/platform/components/control-plane-profile.ts) gets a platform of its own, started
// here and stopped after its sizes, so the profiles are measured side by side in one run.
// Each size is its own repository (one environment, its own namespace), so no size redeploys another's. Pods run
// on kwok's fake nodes: the platform's three (250 pods each) plus four more added here, so every size's pods fit
// with the earlier sizes' still running. Requests are tiny (1m CPU, 8 Mi) so that pod count, not CPU, is the limit.
// "All applied" is the watch event that completes all N Deployments, Services and ConfigMaps; "all Ready" the one
// after which every Deployment's current generation is observed with 1 updated, ready, available replica.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, Watch, type V1Deployment, type V1Pod } from '@kubernetes/client-node';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { KubeCluster, KubeReleaseStore } from '../adapters/kube/index.js';
import { deliverPush, startPipeline } from '../test/e2e/pipeline-kit.js';
import { ZERO_SHA } from '../test/platform/github-emulator/index.js';
import { createGitFixture, type GitFixture } from '../test/platform/git-fixtures.js';
import { CONTROL_PLANE_PROFILES, controlPlaneProfile, type ControlPlaneProfile } from '../test/platform/components/control-plane-profile.js';
import { fakeNode, ZONES } from '../test/platform/components/fake-nodes.js';
import { AUDIT_LOG } from '../test/platform/components/kube-apiserver.js';
import { startPlatform, stateFileOf, stopPlatform } from '../test/platform/platform.js';
import { replaceSection } from './benchmarks-file.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => (args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback);
const sizes = option('--sizes', '100,500,1000').split(',').map(Number);
const write = args.includes('--write');
if (!sizes.every((n) => Number.isInteger(n) && n > 0)) throw new Error('bench:mttp: --sizes takes whole numbers, comma-separated');
const profiles = option('--control-plane', CONTROL_PLANE_PROFILES.join(',')).split(',');
for (const profile of profiles) controlPlaneProfile({ GANTRY_CONTROL_PLANE: profile });
const ENV = 'perf';
/** Issue 11's goals for 1,000 Deployments. */
const GOAL_APPLIED_MS = 15_000;
const GOAL_READY_MS = 60_000;
const FLUX: Record<number, string> = { 100: '28 s', 500: '2 m 2 s', 1000: '4 m 16 s' };
const EXTRA_NODES = 4;
const TIMEOUT_MS = 15 * 60_000;

/** The environment's files: env.yaml, a kustomization listing one file per app (Deployment, Service, ConfigMap). */
function environmentFiles(namespace: string, apps: number): Record<string, string> {
  const dir = `environments/${ENV}`;
  const files: Record<string, string> = {
    [`${dir}/env.yaml`]: `name: ${ENV}\nbranch: main\ncluster:\n  name: local\nnamespace: ${namespace}\napply:\n  prune: true\nrollout:\n  strategy: rolling\n  timeout: 15m\nrollback:\n  automatic: false\nhistory:\n  limit: 5\n`,
    [`${dir}/namespace.yaml`]: stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }),
  };
  const names = Array.from({ length: apps }, (_, i) => `app-${String(i + 1).padStart(4, '0')}`);
  for (const name of names) {
    const selector = { 'app.kubernetes.io/name': name };
    const objects = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config` }, data: { LOG_LEVEL: 'info', GREETING: `hello from ${name}` } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name },
        spec: {
          replicas: 1,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: selector },
            spec: {
              containers: [
                {
                  name: 'app',
                  image: 'registry.local/podinfo:6.0.0',
                  ports: [{ containerPort: 8080 }],
                  envFrom: [{ configMapRef: { name: `${name}-config` } }],
                  resources: { requests: { cpu: '1m', memory: '8Mi' } },
                },
              ],
            },
          },
        },
      },
    ];
    files[`${dir}/apps/${name}.yaml`] = objects.map((obj) => stringify(obj)).join('---\n');
  }
  files[`${dir}/kustomization.yaml`] = stringify({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace,
    resources: ['namespace.yaml', ...names.map((name) => `apps/${name}.yaml`)],
  });
  return files;
}

const ready = (d: V1Deployment) =>
  (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
  d.status?.updatedReplicas === 1 &&
  d.status?.readyReplicas === 1 &&
  d.status?.availableReplicas === 1;

/**
 * Where the time between "all applied" and "all Ready" went, read back from the objects once all are Ready: the
 * last of each step's timestamps (whole seconds, the apiserver's resolution) after the 202. Each is the component
 * that moves it: the deployment controller creates the ReplicaSets, the replicaset controller the pods, the
 * scheduler binds them, kwok marks them Ready, and the deployment controller reports each Deployment Available.
 */
interface ReadySteps {
  readonly replicaSetsCreated: number;
  readonly podsCreated: number;
  readonly podsScheduled: number;
  readonly podsReady: number;
  readonly deploymentsAvailable: number;
}

interface Run {
  readonly profile: ControlPlaneProfile;
  readonly apps: number;
  readonly appliedMs: number;
  readonly readyMs: number;
  /** 202 → release record started, and its start → finish (the deploy job, rollout wait included). */
  readonly queueWaitMs: number;
  readonly deployJobMs: number;
  /** The deploy job's steps as its finish log line reports them (ms). */
  readonly steps: Readonly<Record<string, number>>;
  readonly readySteps: ReadySteps | undefined;
  /** The pipeline's write requests at the apiserver, per resource: first received → last answered, after the 202. */
  readonly atApiserver: readonly AuditWindow[];
  readonly load: string;
  readonly loadAfter: string;
}

/** The deploy job's step timings, from the worker's log: the last `timings` a finished deploy logged. */
class StepTimings {
  private last: Record<string, number> | undefined;
  readonly log = pino(
    { level: 'info' },
    {
      write: (line: string) => {
        const entry = JSON.parse(line) as { timings?: Record<string, number> };
        if (entry.timings) this.last = entry.timings;
      },
    },
  );

  /** The timings once the deploy job has logged them (its release record can be finished a moment before). */
  async take(): Promise<Record<string, number>> {
    for (let k = 0; k < 100 && this.last === undefined; k++) await new Promise((resolve) => setTimeout(resolve, 100));
    const taken = this.last ?? {};
    this.last = undefined;
    return taken;
  }
}

interface AuditWindow {
  /** `services`, or `services (dry run)`. */
  readonly what: string;
  readonly count: number;
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * The pipeline's own writes to the run's namespace, as the apiserver's audit log (writes only, Metadata level: the
 * platform's policy) records them: per resource and dry run or not, when the first was received and the last
 * answered, after the 202, of those received by `untilMs`. Requests with a user agent are the controllers' (the pipeline's adapter sends none).
 */
function auditWindows(auditLog: string, namespace: string, acceptedWall: number, untilMs: number): AuditWindow[] {
  const windows = new Map<string, { count: number; from: number; to: number }>();
  for (const line of readFileSync(auditLog, 'utf8').split('\n')) {
    if (!line.includes(`/namespaces/${namespace}/`)) continue;
    const event = JSON.parse(line) as {
      requestURI: string;
      userAgent?: string;
      objectRef?: { resource?: string };
      requestReceivedTimestamp: string;
      stageTimestamp: string;
    };
    if (event.userAgent) continue;
    const what = `${event.objectRef?.resource ?? '?'}${event.requestURI.includes('dryRun=') ? ' (dry run)' : ''}`;
    const from = Date.parse(event.requestReceivedTimestamp) - acceptedWall;
    const to = Date.parse(event.stageTimestamp) - acceptedWall;
    if (from > untilMs) continue;
    const window = windows.get(what);
    if (window === undefined) windows.set(what, { count: 1, from, to });
    else windows.set(what, { count: window.count + 1, from: Math.min(window.from, from), to: Math.max(window.to, to) });
  }
  return [...windows]
    .map(([what, w]) => ({ what, count: w.count, fromMs: w.from, toMs: w.to }))
    .sort((a, b) => a.fromMs - b.fromMs);
}

const lastOf = (times: readonly (string | Date | undefined)[]): number =>
  times.reduce<number>((last, time) => (time === undefined ? Number.NaN : Math.max(last, new Date(time).getTime())), 0);

async function readySteps(apps: AppsV1Api, core: CoreV1Api, namespace: string, acceptedWall: number): Promise<ReadySteps | undefined> {
  const [deployments, replicaSets, pods] = await Promise.all([
    apps.listNamespacedDeployment({ namespace }),
    apps.listNamespacedReplicaSet({ namespace }),
    core.listNamespacedPod({ namespace }),
  ]);
  const condition = (pod: V1Pod, type: string) => pod.status?.conditions?.find((c) => c.type === type && c.status === 'True')?.lastTransitionTime;
  const steps = {
    replicaSetsCreated: lastOf(replicaSets.items.map((r) => r.metadata?.creationTimestamp)),
    podsCreated: lastOf(pods.items.map((p) => p.metadata?.creationTimestamp)),
    podsScheduled: lastOf(pods.items.map((p) => condition(p, 'PodScheduled'))),
    podsReady: lastOf(pods.items.map((p) => condition(p, 'Ready'))),
    deploymentsAvailable: lastOf(
      deployments.items.map((d) => d.status?.conditions?.find((c) => c.type === 'Available' && c.status === 'True')?.lastTransitionTime),
    ),
  };
  if (Object.values(steps).some(Number.isNaN)) return undefined;
  return Object.fromEntries(Object.entries(steps).map(([step, at]) => [step, at - acceptedWall])) as unknown as ReadySteps;
}

/**
 * Follows the namespace's Deployments, Services and ConfigMaps by watch, not by listing them: a list of 1,000
 * Deployments every poll costs the apiserver and this process (which is also the worker) more CPU than the figures
 * can afford on 2 cores. The times are those of the watch events that complete each condition.
 */
class NamespaceTracker {
  private readonly names = { deployments: new Set<string>(), services: new Set<string>(), configmaps: new Set<string>() };
  private readonly ready = new Set<string>();
  private readonly controllers: AbortController[] = [];
  private failure: Error | undefined;
  private stopped = false;
  private changed: () => void = () => undefined;

  static async start(kc: KubeConfig, namespace: string): Promise<NamespaceTracker> {
    const tracker = new NamespaceTracker();
    const paths = {
      deployments: `/apis/apps/v1/namespaces/${namespace}/deployments`,
      services: `/api/v1/namespaces/${namespace}/services`,
      configmaps: `/api/v1/namespaces/${namespace}/configmaps`,
    };
    for (const [kind, path] of Object.entries(paths) as [keyof typeof paths, string][]) await tracker.follow(new Watch(kc), kind, path);
    return tracker;
  }

  /**
   * Watches one kind; a watch the server ends (the apiserver closes watches now and then) is opened again, and its
   * first events, every object there, re-seed what it knows. Only an ERROR event or too many ends fail the run.
   */
  private async follow(watch: Watch, kind: keyof NamespaceTracker['names'], path: string, restarts = 0): Promise<void> {
    const controller = await watch.watch(
      path,
      {},
      (phase, object: V1Deployment) => this.seen(kind, phase, object),
      (err: unknown) => {
        if (this.stopped) return;
        if (restarts >= 20) return this.fail(new Error(`bench:mttp: the ${kind} watch ended 20 times${err ? `: ${String(err)}` : ''}`));
        this.follow(watch, kind, path, restarts + 1).catch((error: unknown) => this.fail(error as Error));
      },
    );
    this.controllers.push(controller);
  }

  /** Resolves with the times (since `t0`) at which all `size` objects were there and all Deployments Ready. */
  async until(size: number, t0: number, progress: (line: string) => void): Promise<{ appliedMs: number; readyMs: number }> {
    let appliedMs = Number.NaN;
    const timer = setInterval(() => progress(`${((performance.now() - t0) / 1000).toFixed(1)} s, ${this.names.deployments.size} Deployments, ${this.ready.size} Ready`), 1_000);
    try {
      return await new Promise((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error(`bench:mttp: ${size} apps not Ready within ${TIMEOUT_MS / 60_000} minutes`)), TIMEOUT_MS);
        this.changed = () => {
          if (this.failure) {
            clearTimeout(deadline);
            reject(this.failure);
            return;
          }
          // The namespace's own kube-root-ca.crt ConfigMap is not ours.
          const configMaps = [...this.names.configmaps].filter((name) => name.startsWith('app-')).length;
          if (Number.isNaN(appliedMs) && this.names.deployments.size === size && this.names.services.size === size && configMaps === size)
            appliedMs = performance.now() - t0;
          if (this.names.deployments.size === size && this.ready.size === size) {
            clearTimeout(deadline);
            resolve({ appliedMs, readyMs: performance.now() - t0 });
          }
        };
      });
    } finally {
      clearInterval(timer);
    }
  }

  stop(): void {
    this.stopped = true;
    this.changed = () => undefined;
    for (const controller of this.controllers) controller.abort();
  }

  private seen(kind: keyof NamespaceTracker['names'], phase: string, object: V1Deployment): void {
    const name = object.metadata?.name;
    if (phase === 'ERROR' || name === undefined) return this.fail(new Error(`bench:mttp: the ${kind} watch failed: ${JSON.stringify(object)}`));
    if (phase === 'DELETED') this.names[kind].delete(name);
    else this.names[kind].add(name);
    if (kind === 'deployments') {
      if (phase !== 'DELETED' && ready(object)) this.ready.add(name);
      else this.ready.delete(name);
    }
    this.changed();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.changed();
  }
}

const runs: Run[] = [];

/** One platform with `profile`'s control plane: every size, one after another, then the platform stopped. */
async function measure(profile: ControlPlaneProfile): Promise<void> {
  const platform = await startPlatform({
    parts: ['redis', 'kubernetes', 'github'],
    ownerPid: process.pid,
    env: { ...process.env, GANTRY_CONTROL_PLANE: profile },
    log: (line) => process.stderr.write(`[platform ${profile}] ${line}\n`),
  });
  process.env.GANTRY_PLATFORM_STATE = stateFileOf(platform.stateDir);
  const kc = new KubeConfig();
  kc.loadFromFile(platform.kubernetes!.kubeconfig);
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const cluster = new KubeCluster(kc);
  const fixtures: GitFixture[] = [];
  const timings = new StepTimings();
  const pipeline = await startPipeline({ log: timings.log });
  try {
    const extra = Array.from({ length: EXTRA_NODES }, (_, k) => fakeNode(ZONES[k % ZONES.length]!, ZONES.length + k));
    for (const node of extra) await core.createNode({ body: node });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const nodes = await core.listNode({ labelSelector: 'type=kwok' });
      const readyNodes = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      if (readyNodes.length >= ZONES.length + EXTRA_NODES) break;
      if (Date.now() > deadline) throw new Error('bench:mttp: the extra kwok nodes did not become Ready within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    for (const size of sizes) {
      const suffix = Math.random().toString(16).slice(2, 8);
      const namespace = `bench-mttp-${size}-${suffix}`;
      const git = await createGitFixture();
      fixtures.push(git);
      const sha = await git.commitAndPush(`${size} apps`, environmentFiles(namespace, size));
      const load = loadavg()[0]!.toFixed(1);
      const tracker = await NamespaceTracker.start(kc, namespace);
      const delivery = await deliverPush(pipeline, { git }, `bench-mttp-${size}-${suffix}`, ZERO_SHA, sha);
      const t0 = performance.now();
      const acceptedWall = Date.now();
      if (delivery.status !== 202) throw new Error(`bench:mttp: the webhook answered ${delivery.status}`);
      const { appliedMs, readyMs } = await tracker.until(size, t0, (line) => process.stderr.write(`\r${profile}, ${size} apps: ${line}   `));
      tracker.stop();
      const loadAfter = loadavg()[0]!.toFixed(1);
      // The deploy job finishes once it has seen the rollout healthy; its release record then holds both times.
      let release = (await new KubeReleaseStore(cluster, { environment: ENV, namespace }).list()).find((r) => r.commit === sha);
      for (let k = 0; k < 120 && !release?.finishedAt; k++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        release = (await new KubeReleaseStore(cluster, { environment: ENV, namespace }).list()).find((r) => r.commit === sha);
      }
      const started = release ? Date.parse(release.startedAt) : Number.NaN;
      const finished = release?.finishedAt ? Date.parse(release.finishedAt) : Number.NaN;
      const run: Run = {
        profile,
        apps: size,
        appliedMs,
        readyMs,
        queueWaitMs: started - acceptedWall,
        deployJobMs: finished - started,
        steps: await timings.take(),
        readySteps: await readySteps(apps, core, namespace, acceptedWall),
        atApiserver: auditWindows(join(platform.stateDir, AUDIT_LOG), namespace, acceptedWall, appliedMs),
        load,
        loadAfter,
      };
      runs.push(run);
      process.stderr.write(`\n${profile}, ${size} apps: all applied ${(appliedMs / 1000).toFixed(1)} s, all Ready ${(readyMs / 1000).toFixed(1)} s, release ${release?.outcome ?? 'missing'}, steps ${JSON.stringify(run.steps)}, ready steps ${JSON.stringify(run.readySteps)}\n`);
    }
  } finally {
    await pipeline.close().catch(() => undefined);
    for (const git of fixtures) await git.cleanup().catch(() => undefined);
    cluster.close();
    await stopPlatform(platform);
  }
}

for (const profile of profiles) await measure(profile as ControlPlaneProfile);

const s = (ms: number) => (Number.isNaN(ms) ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
const goal = (r: Run, ms: number, limit: number) => (r.apps === 1000 ? (ms <= limit ? 'met' : 'missed') : '-');
/** The deploy job's steps up to the rollout wait, in their order. */
const STEPS = ['config', 'render', 'namespace', 'validate', 'diff', 'record', 'apply'];
const stepLine = (r: Run) => STEPS.filter((step) => r.steps[step] !== undefined).map((step) => `${step} ${s(r.steps[step]!)}`).join(', ');
const readyLine = (r: Run) =>
  r.readySteps
    ? `ReplicaSets created ${s(r.readySteps.replicaSetsCreated)}, pods created ${s(r.readySteps.podsCreated)}, scheduled ${s(r.readySteps.podsScheduled)}, Ready ${s(r.readySteps.podsReady)}, Deployments Available ${s(r.readySteps.deploymentsAvailable)}`
    : 'n/a';
const apiserverLine = (r: Run) =>
  r.atApiserver
    .map((w) => `${w.what} ×${w.count} ${s(w.fromMs)} → ${s(w.toMs)}`)
    .join(', ');
const command = [
  `npm run bench:mttp`,
  ...(sizes.join(',') === '100,500,1000' ? [] : [`--sizes ${sizes.join(',')}`]),
  ...(profiles.join(',') === CONTROL_PLANE_PROFILES.join(',') ? [] : [`--control-plane ${profiles.join(',')}`]),
  ...(write ? ['--write'] : []),
];
const report = [
  `Command: \`${command.length > 1 ? `${command[0]} -- ${command.slice(1).join(' ')}` : command[0]}\` on ${cpus().length} cores, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. The platform (redis, kube-apiserver + etcd + controller-manager + scheduler + kwok, GitHub emulator), the webhook and a worker (one process: this benchmark's) share the machine with other engineers' work; the load average is recorded at the push and when all were Ready.`,
  '',
  `What is measured (after Flux's mean-time-to-production benchmark): one environment of N apps, each a Deployment (1 replica, requests 1m CPU / 8 Mi), a Service and a ConfigMap, one YAML file per app listed in the overlay's kustomization; one signed push of the commit that adds them all. The clock starts at the webhook's 202. "all applied": the watch event (of the namespace's Deployments, Services and ConfigMaps, watched rather than listed so that following 1,000 Deployments costs the apiserver and the worker's process little) that completes all N Deployments, Services and ConfigMaps; "all Ready": every Deployment's generation observed with 1 updated, ready and available replica (kwok pods on ${ZONES.length + EXTRA_NODES} fake nodes × 250 pods). "queue wait" is 202 → the release record's start (plan job, then the deploy job picked up), "deploy job" its start → finish (render, dry-run, apply, and waiting for health).`,
  '',
  'Control planes (test/platform/components/control-plane-profile.ts, `GANTRY_CONTROL_PLANE`): **production**, the local platform\'s default, raises the clients\' limits as a managed control plane does: kube-controller-manager `--kube-api-qps 200 --kube-api-burst 400`, 20 Deployment, ReplicaSet and EndpointSlice sync workers; kube-scheduler clientConnection qps 500 / burst 1000; kwok podPlayStageParallelism 16. **stock** keeps upstream\'s defaults: controller-manager 20 QPS / burst 30 per controller client and 5 workers each, scheduler 50 / 100, kwok 4.',
  '',
  `| control plane | Deployments | load average (1 min) at the push / at Ready | all applied | goal (≤ ${GOAL_APPLIED_MS / 1000} s for 1,000) | all Ready | goal (≤ ${GOAL_READY_MS / 1000} s for 1,000) | Flux's figure | queue wait | deploy job |`,
  '|---|---|---|---|---|---|---|---|---|---|',
  ...runs.map(
    (r) =>
      `| ${r.profile} | ${r.apps} | ${r.load} / ${r.loadAfter} | ${s(r.appliedMs)} | ${goal(r, r.appliedMs, GOAL_APPLIED_MS)} | ${s(r.readyMs)} | ${goal(r, r.readyMs, GOAL_READY_MS)} | ${FLUX[r.apps] ?? 'n/a'} | ${s(r.queueWaitMs)} | ${s(r.deployJobMs)} |`,
  ),
  '',
  'Where the time goes, per run: the deploy job\'s steps until the rollout wait (its own timings), then the last of each controller step after the 202, read back from the objects\' timestamps (whole seconds).',
  '',
  ...runs.map((r) => `- ${r.profile}, ${r.apps}: ${stepLine(r)}; ${readyLine(r)}.`),
  '',
  'The pipeline\'s requests at the apiserver, per run, from its audit log (writes only): each resource\'s first request received → last answered, after the 202, of the requests received until all were applied (the release record is a Secret).',
  '',
  ...runs.map((r) => `- ${r.profile}, ${r.apps}: ${apiserverLine(r)}.`),
  ...(sizes.includes(1000) ? [] : ['', 'The 1,000-Deployment size was not run in this measurement; no figure for it is given.']),
].join('\n');
process.stdout.write(`${report}\n`);
if (write) replaceSection("Time to production: Flux's benchmark (100, 500, 1,000 Deployments)", report);
