// Benchmark: push webhook received → all objects of a config-only change applied, through the real pipeline (the
// webhook service and a worker in this process, as test/e2e/pipeline-kit.ts runs them) against the local platform's
// Redis, kube-apiserver (kwok nodes) and GitHub emulator.
//   [GANTRY_PLATFORM_FILE=<file>] npm run bench:push [-- --pushes 20 --write]
// The test repository holds the catalog app and three overlays (dev, staging, prod), each its own namespace, all
// following `main`. A change sets the ENVIRONMENT literal of one overlay's configMapGenerator, so its hash-suffixed
// ConfigMap gets a new name and the catalog Deployment's template a new reference.
//   sequential: one push at a time, each changing dev's literal.
//   concurrent: N commits made first (commit i changes overlay i mod 3), then their N pushes delivered at once.
// A push counts as applied when the live catalog Deployment of the environment it changed references a ConfigMap
// whose ENVIRONMENT value is that push's or a later one's (the pipeline may supersede a queued commit with a newer
// one). The clock starts when the webhook's 202 arrives and stops when a poll (every 25 ms) first sees it, so a
// figure is up to 25 ms late. Where the time goes comes from the release records: the queue wait (202 → the
// release's start) and the deploy job's own time (start → finish, which includes waiting for the rollout).
import { cpus, loadavg } from 'node:os';
import { KubeCluster, KubeReleaseStore } from '../adapters/kube/index.js';
import type { Release } from '../core/release/release.js';
import { deliverPush, startPipeline } from '../test/e2e/pipeline-kit.js';
import { ZERO_SHA } from '../test/platform/github-emulator/index.js';
import { createGitFixture } from '../test/platform/git-fixtures.js';
import { kubeConfig } from '../test/platform/connect.js';
import { benchPlatform } from './bench-platform.js';
import { catalogBase } from '../test/integration/worker/worker-test-kit.js';
import { replaceSection } from './benchmarks-file.js';
import { quantile } from './measure.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) =>
  args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback;
const pushes = Number(option('--pushes', '20'));
const write = args.includes('--write');
if (!Number.isInteger(pushes) || pushes < 3) throw new Error('bench:push: --pushes takes a whole number, at least 3');
const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
type Env = (typeof ENVIRONMENTS)[number];
// Issue 11's goals: sequential p50 ≤ 250 ms and p99 ≤ 600 ms; with the pushes delivered at once, p50 ≤ 1,500 ms.
const GOALS = {
  sequential: { p50: 250, p99: 600 },
  concurrent: { p50: 1_500, p99: Infinity },
} as const;
const POLL_MS = 25;
const TIMEOUT_MS = 120_000;

/** One overlay of the catalog app: its own namespace, one replica, `ENVIRONMENT=<literal>`. */
function overlay(env: Env, namespace: string, literal: string): Record<string, string> {
  const dir = `environments/${env}`;
  return {
    [`${dir}/env.yaml`]: `name: ${env}\nbranch: main\ncluster:\n  name: local\nnamespace: ${namespace}\napply:\n  prune: true\nrollout:\n  strategy: rolling\n  timeout: 60s\nrollback:\n  automatic: false\nhistory:\n  limit: 50\n`,
    [`${dir}/namespace.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`,
    [`${dir}/kustomization.yaml`]: [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      `namespace: ${namespace}`,
      'resources:',
      '  - namespace.yaml',
      '  - ../../apps/catalog/base',
      'images:',
      '  - name: shop/catalog',
      '    newName: registry.local/shop/catalog',
      '    newTag: 0.1.0',
      'replicas:',
      '  - name: catalog',
      '    count: 1',
      'configMapGenerator:',
      '  - name: shop-environment',
      '    literals:',
      `      - ENVIRONMENT=${literal}`,
      'patches:',
      // The overlay owns the replica count: the autoscaler would fight it.
      '  - patch: |-\n      apiVersion: autoscaling/v2\n      kind: HorizontalPodAutoscaler\n      metadata:\n        name: catalog\n      $patch: delete',
      '',
    ].join('\n'),
  };
}

interface Measured {
  readonly mode: 'sequential' | 'concurrent';
  readonly index: number;
  readonly env: Env;
  readonly sha: string;
  /** 202 → seen applied. */
  readonly ms: number;
  readonly acceptedAt: number;
}

const load = loadavg()[0]!.toFixed(1);
const { shared, stop: stopBenchPlatform } = await benchPlatform();
const kc = kubeConfig();
const cluster = new KubeCluster(kc);
const pipeline = await startPipeline();
const git = await createGitFixture();
const suffix = Math.random().toString(16).slice(2, 8);
const namespaces = Object.fromEntries(ENVIRONMENTS.map((env) => [env, `bench-push-${env}-${suffix}`])) as Record<
  Env,
  string
>;
const repoName = `bench-shop-${suffix}`;
const literals: Record<Env, string> = { dev: 'dev-0', staging: 'staging-0', prod: 'prod-0' };
const files = () =>
  Object.assign({}, ...ENVIRONMENTS.map((env) => overlay(env, namespaces[env], literals[env]))) as Record<
    string,
    string
  >;
const configValues = new Map<string, string>();

/**
 * The ENVIRONMENT value the live catalog Deployment of `env` is configured from, by its ConfigMap reference. Read
 * through the pipeline's own Kubernetes transport (kept-alive connections): client-node's API classes make a new
 * TLS connection per request, and a poll every 25 ms of those took a tenth of the process's CPU from the pipeline
 * it measures (node --cpu-prof).
 */
async function liveLiteral(env: Env): Promise<string | undefined> {
  const namespace = namespaces[env];
  const deployment = await cluster
    .get({ group: 'apps', version: 'v1', kind: 'Deployment', namespace, name: 'catalog' })
    .catch(() => undefined);
  const containers = (deployment?.spec as { template?: { spec?: { containers?: { envFrom?: { configMapRef?: { name?: string } }[] }[] } } } | undefined)?.template?.spec?.containers;
  const refName = containers?.[0]?.envFrom
    ?.map((e) => e.configMapRef?.name ?? '')
    .find((n) => n.startsWith('shop-environment-'));
  if (!refName) return undefined;
  const key = `${namespace}/${refName}`;
  if (!configValues.has(key)) {
    const configMap = await cluster
      .get({ group: '', version: 'v1', kind: 'ConfigMap', namespace, name: refName })
      .catch(() => undefined);
    const value = (configMap?.data as Record<string, string> | undefined)?.['ENVIRONMENT'];
    if (value === undefined) return undefined;
    configValues.set(key, value);
  }
  return configValues.get(key);
}

const indexOf = (literal: string | undefined) =>
  literal === undefined ? -1 : Number(literal.slice(literal.lastIndexOf('-') + 1));

/** Polls until every waiting push is seen applied; returns 202 → seen per push, in `waiting`'s order. */
async function waitApplied(waiting: readonly { index: number; env: Env; acceptedAt: number }[]): Promise<number[]> {
  const seen: (number | undefined)[] = waiting.map(() => undefined);
  const pending = () => seen.filter((ms) => ms === undefined).length;
  const deadline = performance.now() + TIMEOUT_MS;
  while (pending() > 0) {
    if (performance.now() > deadline)
      throw new Error(`bench:push: ${pending()} pushes not applied within ${TIMEOUT_MS / 1000} s`);
    const envs = [...new Set(waiting.filter((_, k) => seen[k] === undefined).map((w) => w.env))];
    const live = new Map(await Promise.all(envs.map(async (env) => [env, indexOf(await liveLiteral(env))] as const)));
    const now = performance.now();
    waiting.forEach((w, k) => {
      if (seen[k] === undefined && (live.get(w.env) ?? -1) >= w.index) seen[k] = now - w.acceptedAt;
    });
    if (pending() > 0) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return seen.map((ms) => ms!);
}

async function deliver(before: string, after: string): Promise<number> {
  const delivery = await deliverPush(pipeline, { git }, repoName, before, after);
  const acceptedAt = performance.now();
  if (delivery.status !== 202) throw new Error(`bench:push: the webhook answered ${delivery.status}`);
  return acceptedAt;
}

const results: Measured[] = [];
const releasesOf = async (env: Env): Promise<readonly Release[]> =>
  new KubeReleaseStore(cluster, { environment: env, namespace: namespaces[env] }).list();
const acceptedWall = new Map<string, number>();
try {
  await git.writeFiles(await catalogBase());
  // Counter across both phases, so every literal is new and the index order is the commit order.
  let index = 0;
  let head = await git.commitAndPush('catalog in three environments', files());
  await deliver(ZERO_SHA, head);
  await waitApplied(ENVIRONMENTS.map((env) => ({ index: 0, env, acceptedAt: performance.now() })));
  process.stderr.write('initial deploy applied\n');

  for (let i = 0; i < pushes; i++) {
    index++;
    literals.dev = `dev-${index}`;
    const sha = await git.commitAndPush(`dev ENVIRONMENT=${literals.dev}`, files());
    const acceptedAt = await deliver(head, sha);
    acceptedWall.set(sha, Date.now());
    head = sha;
    const [ms] = await waitApplied([{ index, env: 'dev', acceptedAt }]);
    results.push({ mode: 'sequential', index, env: 'dev', sha, ms: ms!, acceptedAt });
    process.stderr.write(`sequential ${i + 1}/${pushes}: ${ms!.toFixed(0)} ms\n`);
  }
  // Let the last sequential deploy's rollout finish, so its work does not land on the burst.
  await new Promise((resolve) => setTimeout(resolve, 3_000));

  const burst: { index: number; env: Env; before: string; sha: string }[] = [];
  for (let i = 0; i < pushes; i++) {
    index++;
    const env = ENVIRONMENTS[i % ENVIRONMENTS.length]!;
    literals[env] = `${env}-${index}`;
    const sha = await git.commit(`${env} ENVIRONMENT=${literals[env]}`, files());
    burst.push({ index, env, before: head, sha });
    head = sha;
  }
  await git.push();
  const accepted = await Promise.all(burst.map(async (b) => ({ ...b, acceptedAt: await deliver(b.before, b.sha) })));
  for (const a of accepted) acceptedWall.set(a.sha, Date.now() - (performance.now() - a.acceptedAt));
  const seen = await waitApplied(accepted);
  accepted.forEach((a, k) =>
    results.push({
      mode: 'concurrent',
      index: a.index,
      env: a.env,
      sha: a.sha,
      ms: seen[k]!,
      acceptedAt: a.acceptedAt,
    }),
  );
  process.stderr.write(`concurrent: ${accepted.length} pushes applied\n`);
  // The burst's last deploys finish their rollouts before the release records are read.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
} finally {
  await pipeline.close().catch(() => undefined);
  await git.cleanup().catch(() => undefined);
}

// Where the time goes: the release each push's commit made (a superseded commit makes none).
const releases = new Map<string, Release>();
for (const env of ENVIRONMENTS)
  for (const release of await releasesOf(env)) releases.set(`${env}/${release.commit}`, release);
cluster.close();
await stopBenchPlatform();

const row = (mode: Measured['mode']) => {
  const mine = results.filter((r) => r.mode === mode);
  const ms = mine.map((r) => r.ms);
  const waits: number[] = [];
  const deploys: number[] = [];
  const steps = new Map<string, number[]>();
  let superseded = 0;
  for (const r of mine) {
    const release = releases.get(`${r.env}/${r.sha}`);
    if (!release?.finishedAt) {
      superseded++;
      continue;
    }
    for (const [step, stepMs] of Object.entries(release.timings ?? {})) steps.set(step, [...(steps.get(step) ?? []), stepMs]);
    waits.push(Date.parse(release.startedAt) - acceptedWall.get(r.sha)!);
    deploys.push(Date.parse(release.finishedAt) - Date.parse(release.startedAt));
  }
  const p50 = quantile(ms, 0.5);
  const p99 = quantile(ms, 0.99);
  return {
    p50,
    p99,
    line: `| ${mode} | ${mine.length} | ${p50.toFixed(0)} ms | ${p99.toFixed(0)} ms | ${Math.min(...ms).toFixed(0)} / ${Math.max(...ms).toFixed(0)} ms | ${p50 <= GOALS[mode].p50 && p99 <= GOALS[mode].p99 ? 'met' : 'missed'} (${goalText(mode)}) | ${quantile(waits, 0.5).toFixed(0)} ms | ${quantile(deploys, 0.5).toFixed(0)} ms | ${mine.length - superseded} / ${superseded} |`,
    perRun: mine.map((r) => `${r.env}:${r.ms.toFixed(0)}`).join(', '),
    steps: [...steps].map(([step, all]) => `${step} ${quantile(all, 0.5).toFixed(0)}`).join(', '),
  };
};
function goalText(mode: Measured['mode']): string {
  const { p50, p99 } = GOALS[mode];
  return Number.isFinite(p99) ? `p50 ≤ ${p50} ms, p99 ≤ ${p99} ms` : `p50 ≤ ${p50} ms`;
}
const sequential = row('sequential');
const concurrent = row('concurrent');
const report = [
  `Command: \`${shared ? 'GANTRY_PLATFORM_FILE=<file> ' : ''}npm run bench:push${pushes === 20 ? '' : ` -- --pushes ${pushes}`}${write ? ' --write' : ''}\`${shared ? ' (the running platform, shared with whatever else runs on it)' : ''} on ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}; load average (1 min) ${load} at the start. The platform (redis, kube-apiserver + etcd + controllers + kwok, GitHub emulator), the webhook and a worker all share the machine.`,
  '',
  `What is measured: the catalog app in three environments (dev, staging, prod; three overlays, one namespace each, all following \`main\`, 1 replica). Each push changes one overlay's configMapGenerator literal (ENVIRONMENT), a config-only change: a new hash-suffixed ConfigMap and the Deployment's template pointing at it. The clock runs from the webhook's 202 to the first poll (every ${POLL_MS} ms, so up to ${POLL_MS} ms late) that sees the live Deployment's template reference a ConfigMap holding that push's value or a later one's. **sequential**: ${pushes} pushes one after another, each changing dev. **concurrent**: ${pushes} commits made first (commit i changes dev, staging, prod in turn), their ${pushes} signed pushes delivered at once. "queue wait" is 202 → the environment's release record started, "deploy job" is its start → finish (apply and waiting for the rollout), medians over the pushes whose commit made a release; a commit superseded by a newer one in the queue makes none.`,
  '',
  `| pushes | count | p50 | p99 | fastest / slowest | goal | queue wait (median) | deploy job (median) | releases made / superseded |`,
  '|---|---|---|---|---|---|---|---|---|',
  sequential.line,
  concurrent.line,
  '',
  `Per push (environment: ms), sequential: ${sequential.perRun}.`,
  '',
  `Per push, concurrent: ${concurrent.perRun}.`,
  '',
  `The deploy job's steps (median ms over the releases made; the push counts as applied at the end of \`apply\`), sequential: ${sequential.steps}; concurrent: ${concurrent.steps}.`,
].join('\n');
process.stdout.write(`${report}\n`);
if (write) replaceSection('Push to applied: config-only change through webhook + worker', report);
