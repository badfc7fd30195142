// Benchmark: the live-state cache on a 1,000-object environment (bench/generate-environment.ts, 250 apps), against a
// running platform (GANTRY_PLATFORM_FILE). One process plays a worker: it applies the environment once by the full
// path (dry-run all, read all, apply all; that also fills the cache and the in-sync memo), then re-deploys it
// (a) with no change and (b) with 10 objects changed, each through the deploy stage's own functions with the cache
// (worker/stages/deploy: cachedLive → validateObjects of what is not in sync → computeDiff → applyStages). kubectl
// `apply --server-side` of the same files into a namespace of its own is timed for the same two steps. Then drift:
// N `kubectl patch` edits of a Deployment's owned field, each timed from the patch command's start to the drift
// watch reporting it (so kubectl's own start-up is included: an upper bound). Memory: this process's RSS with the
// cache holding the environment.
//   GANTRY_PLATFORM_FILE=.gantry/platform.json npm run bench:live-cache -- [--apps 250 --runs 3 --drifts 30]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeCluster } from '../adapters/kube/cluster.js';
import { envConfigSchema } from '../core/config/env-config.js';
import { applyStages as stagesToApply, countActions } from '../core/diff/change-set.js';
import type { KubeObject } from '../core/kube/object.js';
import { refKey, refOf } from '../core/kube/object.js';
import { readState } from '../test/platform/state.js';
import { applyStages } from '../worker/stages/deploy/apply-changes.js';
import { computeDiff, prepareForApply } from '../worker/stages/deploy/compute-diff.js';
import { cachedLive, liveStates } from '../worker/stages/deploy/live-state.js';
import { validateObjects } from '../worker/stages/deploy/validate-objects.js';
import { DriftWatch, type Drift } from '../worker/drift-watch.js';
import { environmentObjects, writeEnvironment } from './generate-environment.js';
import { median, quantile } from './measure.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) =>
  args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback;
const apps = Number(option('--apps', '250'));
const runs = Number(option('--runs', '3'));
const driftCount = Number(option('--drifts', '30'));
const stateFile = process.env.GANTRY_PLATFORM_FILE;
if (!stateFile) throw new Error('bench:live-cache: set GANTRY_PLATFORM_FILE to a running platform');
const kube = readState(stateFile).kubernetes;
if (!kube) throw new Error('bench:live-cache: the platform has no Kubernetes');
const kubeconfig = kube.kubeconfig;
// The peer is the platform's own kubectl (the apiserver's version), never whichever `kubectl` PATH finds first.
if (!kube.kubectl) throw new Error('bench:live-cache: the platform state names no kubectl (an external cluster, or a platform started before it was recorded: restart it)');
const kubectlBinary = kube.kubectl;

const FIELD_MANAGER = 'gantry';
const suffix = Date.now().toString(36);
const ours = `bench-cache-${suffix}`;
const theirs = `bench-kubectl-${suffix}`;
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const cluster = new KubeCluster(kc);
const signal = new AbortController().signal;
const liveState = liveStates(() => cluster.liveCache({ managedBy: FIELD_MANAGER }), FIELD_MANAGER);
const env = envConfigSchema.parse({ name: 'bench', branch: 'main', cluster: { name: 'local' }, namespace: ours });
// Asynchronous, so this process keeps reading its watches while kubectl runs.
const run = promisify(execFile);
const kubectl = (...a: string[]) => run(kubectlBinary, ['--kubeconfig', kubeconfig, ...a], { maxBuffer: 64 * 2 ** 20 });

/** One deploy of `objects` through the deploy stage's functions; returns its ms and what it did. */
async function deploy(objects: readonly KubeObject[], useCache: boolean) {
  const t0 = performance.now();
  process.stderr.write(`deploy ${objects.length} objects (cache: ${useCache})\n`);
  const state = liveState(env);
  const cached = useCache ? await cachedLive(state, env, objects, [], signal, () => undefined, cluster) : undefined;
  const toValidate = cached ? objects.filter((o) => !cached.inSync.has(refKey(refOf(o)))) : objects;
  const validation = await validateObjects(toValidate, cluster, { fieldManager: FIELD_MANAGER, mode: 'apply', signal });
  const changeSet = await computeDiff({
    desired: objects,
    validation,
    env,
    previousInventory: [],
    ...(cached && { cached }),
    memo: state.memo,
    cluster,
    secretSalt: 'bench',
    signal,
  });
  const stages = stagesToApply(changeSet, objects);
  const onApplied = (desired: KubeObject, applied: KubeObject) => state.memo.remember(desired, applied);
  await applyStages(stages, 0, cluster, { fieldManager: FIELD_MANAGER, signal, onApplied }, async () => undefined);
  return { ms: performance.now() - t0, counts: countActions(changeSet), dryRun: toValidate.length, cached: cached !== undefined };
}

async function kubectlApply(dir: string): Promise<number> {
  process.stderr.write(`kubectl apply ${dir}\n`);
  const t0 = performance.now();
  await kubectl('apply', '--server-side', '--field-manager=kubectl-bench', '-f', dir);
  return performance.now() - t0;
}

const objectsFor = (namespace: string, bumped?: ReadonlySet<number>) =>
  prepareForApply(environmentObjects({ namespace, apps, replicas: 0, ...(bumped && { bumped }) }));

const dirs = mkdtempSync(join(tmpdir(), 'gantry-bench-cache-'));
console.log(`kubectl: ${kubectlBinary} (${(await run(kubectlBinary, ['version', '--client'])).stdout.split('\n')[0]})`);
try {
  for (const namespace of [ours, theirs]) await kubectl('create', 'namespace', namespace);
  const base = objectsFor(ours);
  const first = await deploy(base, false);
  writeEnvironment(join(dirs, 'base'), { namespace: theirs, apps, replicas: 0 });
  const kubectlFirst = await kubectlApply(join(dirs, 'base'));
  // The cache of the namespace, synced (the first cached deploy would otherwise wait for it).
  await cachedLive(liveState(env), env, base, [], signal, () => undefined, cluster);
  const rows: { scenario: string; ours: number[]; kubectl: number[]; detail: string }[] = [];
  const noChange = { scenario: 'no change', ours: [] as number[], kubectl: [] as number[], detail: '' };
  const changed = { scenario: '10 changed', ours: [] as number[], kubectl: [] as number[], detail: '' };
  for (let run = 1; run <= runs; run += 1) {
    const same = await deploy(base, true);
    noChange.ours.push(same.ms);
    noChange.detail = `dry-run ${same.dryRun}, ${JSON.stringify(same.counts)}`;
    noChange.kubectl.push(await kubectlApply(join(dirs, 'base')));
    // Ten objects (5 apps × Deployment + ConfigMap), changed and back, so each run starts from the same state.
    const bumped = new Set([1, 2, 3, 4, 5].map((k) => Math.ceil((k * apps) / 5) - (run % 2)));
    const changedObjects = objectsFor(ours, bumped);
    const result = await deploy(changedObjects, true);
    changed.ours.push(result.ms);
    changed.detail = `dry-run ${result.dryRun}, ${JSON.stringify(result.counts)}`;
    writeEnvironment(join(dirs, `bumped-${run}`), { namespace: theirs, apps, replicas: 0, bumped });
    changed.kubectl.push(await kubectlApply(join(dirs, `bumped-${run}`)));
    await deploy(base, true);
    await kubectlApply(join(dirs, 'base'));
  }
  rows.push(noChange, changed);
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  const cacheStats = cluster.liveCache().stats;

  // Drift latency: a Deployment's image edited by another manager → the drift watch's report.
  const seen = new Map<string, (drift: Drift) => void>();
  const watch = new DriftWatch(FIELD_MANAGER, pino({ level: 'silent' }), async (drift) => seen.get(drift.ref.name)?.(drift));
  watch.track(env, { request: {} as never }, liveState(env));
  const latencies: number[] = [];
  for (let i = 0; i < driftCount; i += 1) {
    const name = `app-${String((i % apps) + 1).padStart(3, '0')}`;
    const arrived = new Promise<number>((resolve) => seen.set(name, () => resolve(performance.now())));
    const t0 = performance.now();
    await kubectl('-n', ours, 'patch', 'deployment', name, '--type=strategic', '--field-manager=kubectl-edit', '-p', `{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"registry.local/shop/edited:${i}"}]}}}}`);
    latencies.push((await arrived) - t0);
    // Back in sync for the next round: the deploy re-applies it (one dry-run, one apply).
    await deploy(base, true);
  }
  watch.close();

  const fmt = (ms: number) => `${Math.round(ms)} ms`;
  console.log(`objects: ${base.length}; first apply (full path): ours ${fmt(first.ms)}, kubectl ${fmt(kubectlFirst)} (${(kubectlFirst / first.ms).toFixed(2)}×)`);
  for (const row of rows)
    console.log(
      `${row.scenario}: ours median ${fmt(median(row.ours))} [${row.ours.map(fmt).join(', ')}], kubectl median ${fmt(median(row.kubectl))} [${row.kubectl.map(fmt).join(', ')}] → ${(median(row.kubectl) / median(row.ours)).toFixed(1)}×; ${row.detail}`,
    );
  console.log(`drift latency (${driftCount} edits, from kubectl start): p50 ${fmt(quantile(latencies, 0.5))}, p99 ${fmt(quantile(latencies, 0.99))}, max ${fmt(Math.max(...latencies))}`);
  console.log(`RSS with the cache holding ${cacheStats.objects} objects in ${cacheStats.scopes} watches: ${rssMiB.toFixed(0)} MiB`);
} finally {
  cluster.close();
  for (const namespace of [ours, theirs]) await kubectl('delete', 'namespace', namespace, '--wait=false');
  rmSync(dirs, { recursive: true, force: true });
}
