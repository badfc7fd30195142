// Benchmark: push of a source change → the freshly built digest running in dev, through the real pipeline (the
// webhook service and a worker with the local builder, GANTRY_BUILDER=local: buildah → the platform's registry, as
// test/e2e/build-to-running.test.ts runs them) against the platform's Redis, kube-apiserver (kwok nodes), registry
// (with its local base image) and GitHub emulator.
//   npm run bench:push-digest [-- --pushes 10 --stop-by 05:25 --write]
// The test repository holds catalog's sources (apps/catalog) and a dev overlay. A first push builds catalog cold and
// deploys it; it is not counted. Then each push rewrites one file under apps/catalog/src (a comment with the push's
// number in items.js), so its content tag is new and catalog is built again on a warm layer cache.
// A push counts as running when the dev catalog Deployment's template names an image by digest other than the one
// before the push, its rollout is complete (observedGeneration, updated = available = desired replicas) and its
// Available condition is True. The clock starts when the webhook's 202 arrives and stops at the first poll (every
// 100 ms) that sees it; the digest is checked against the one the `build/catalog` check run reports. Where the time
// goes comes from the push's build job in BullMQ (its own timestamps, ms, the worker's clock): 202 → the build job
// taken (plan job, queue), the build job itself (fetch, archive, buildah bud + push, check runs), the build job
// finished → running (the waiting deploy job promoted, render with the digest pinned, apply, rollout).
// `--stop-by HH:MM` (UTC) starts no push after that time, for a run that must end before a deadline.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { Octokit } from '@octokit/rest';
import { Queue } from 'bullmq';
import { BUILD_QUEUE } from '../adapters/queue/queue-names.js';
import { createRedisClient } from '../adapters/queue/index.js';
import { createTestRepo } from '../test/integration/worker/worker-test-kit.js';
import { deliverPush, OWNER, sampleAppFiles, startPipeline } from '../test/e2e/pipeline-kit.js';
import { ZERO_SHA } from '../test/platform/github-emulator/index.js';
import { startPlatform, stateFileOf, stopPlatform } from '../test/platform/platform.js';
import { replaceSection } from './benchmarks-file.js';
import { quantile } from './measure.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) =>
  args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback;
const pushes = Number(option('--pushes', '10'));
const stopBy = option('--stop-by', '');
const write = args.includes('--write');
if (!Number.isInteger(pushes) || pushes < 1) throw new Error('bench:push-digest: --pushes takes a whole number ≥ 1');
if (stopBy !== '' && !/^\d\d:\d\d$/.test(stopBy)) throw new Error('bench:push-digest: --stop-by takes HH:MM (UTC)');
const stopAt = stopBy === '' ? Infinity : Date.parse(`${new Date().toISOString().slice(0, 10)}T${stopBy}:00Z`);
const POLL_MS = 100;
// A cold buildah build on the loaded two-core machine takes minutes (vfs copies the base's file system per step).
const TIMEOUT_MS = 900_000;
const SECTION = 'Push to running digest: source change through webhook + worker + local builder';

/** One counted push: 202 → running (ms), with wall-clock instants to split it by its build job. */
interface Measured {
  readonly sha: string;
  readonly ms: number;
  readonly acceptedWall: number;
  readonly runningWall: number;
  readonly image: string;
}

/** A counted push split by its build job's BullMQ timestamps. */
interface Split extends Measured {
  readonly beforeBuildMs: number;
  readonly buildMs: number;
  readonly afterBuildMs: number;
}

/** The image by digest the Deployment runs once its rollout is complete and it is Available; otherwise undefined. */
function runningImage(deployment: V1Deployment | undefined): string | undefined {
  const image = deployment?.spec?.template.spec?.containers[0]?.image;
  const status = deployment?.status;
  const desired = deployment?.spec?.replicas ?? 1;
  const available = status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
  const complete =
    (status?.observedGeneration ?? 0) >= (deployment?.metadata?.generation ?? 1) &&
    status?.updatedReplicas === desired &&
    status?.availableReplicas === desired &&
    (status?.replicas ?? 0) === desired;
  return image?.includes('@sha256:') && available && complete ? image : undefined;
}

const load = loadavg().map((l) => l.toFixed(1));
const started = new Date();
const platform = await startPlatform({
  parts: ['redis', 'kubernetes', 'github', 'registry'],
  ownerPid: process.pid,
  log: (line) => process.stderr.write(`[platform] ${line}\n`),
});
process.env.GANTRY_PLATFORM_STATE = stateFileOf(platform.stateDir);
const registry = platform.registry!;
const kc = new KubeConfig();
kc.loadFromFile(platform.kubernetes!.kubeconfig);
const apps = kc.makeApiClient(AppsV1Api);
const storageDir = mkdtempSync(join(tmpdir(), 'gantry-bench-push-digest-'));
const pipeline = await startPipeline({
  build: {
    builder: 'local',
    local: {
      registry: registry.host,
      insecure: true,
      baseImage: registry.baseImage,
      storageDir,
      concurrency: 1,
      buildah: 'buildah',
    },
    concurrency: 1,
    timeoutMs: TIMEOUT_MS,
  },
});
const github = new Octokit({ baseUrl: platform.github!.url, auth: platform.github!.token });
const repo = await createTestRepo('bench-digest');
const name = `bench-digest-${Math.random().toString(16).slice(2, 8)}`;
const items = (await sampleAppFiles('catalog'))['apps/catalog/src/items.js'] ?? '';

/** Polls until dev's catalog runs an image other than `previous`, complete and Available; returns it and when. */
async function waitRunning(previous: string | undefined): Promise<{ image: string; at: number }> {
  const deadline = performance.now() + TIMEOUT_MS;
  for (;;) {
    const deployment = await apps
      .readNamespacedDeployment({ name: 'catalog', namespace: repo.namespace })
      .catch(() => undefined);
    const image = runningImage(deployment);
    const at = performance.now();
    if (image !== undefined && image !== previous) return { image, at };
    if (at > deadline) throw new Error(`bench:push-digest: no new digest running in dev within ${TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The image the completed build/catalog check run of `sha` reports. */
async function builtImage(sha: string): Promise<string> {
  for (let i = 0; ; i++) {
    const { data } = await github.checks.listForRef({ owner: OWNER, repo: name, ref: sha });
    const run = data.check_runs.find((check) => check.name === 'build/catalog' && check.status === 'completed');
    if (run) {
      if (run.conclusion !== 'success') throw new Error(`bench:push-digest: build/catalog of ${sha} ${run.conclusion}`);
      return /Image: `([^`]+)`/.exec(run.output.summary ?? '')?.[1] ?? '';
    }
    // The report is written in its own request: the deploy can be seen a moment before the check run completes.
    if (i > 100) throw new Error(`bench:push-digest: no completed build/catalog check run for ${sha}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

async function deliver(before: string, after: string): Promise<{ at: number; wall: number }> {
  const delivery = await deliverPush(pipeline, repo, name, before, after);
  const at = performance.now();
  const wall = Date.now();
  if (delivery.status !== 202) throw new Error(`bench:push-digest: the webhook answered ${delivery.status}`);
  return { at, wall };
}

/**
 * Each push's build job, found by its commit among the completed jobs of the build queue (the pipeline's queue
 * prefix is its own, the only one in this benchmark's Redis).
 */
async function splitByBuildJob(measured: readonly Measured[]): Promise<Split[]> {
  const redis = createRedisClient({ url: platform.redis!.url, role: 'producer', name: 'bench-push-digest' });
  redis.on('error', () => undefined);
  // A producer client queues no command while connecting.
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  try {
    const [metaKey] = await redis.keys(`*:${BUILD_QUEUE}:meta`);
    if (metaKey === undefined) throw new Error('bench:push-digest: no build queue in Redis');
    const queue = new Queue(BUILD_QUEUE, {
      connection: redis,
      prefix: metaKey.slice(0, -`:${BUILD_QUEUE}:meta`.length),
    });
    const jobs = await queue.getJobs(['completed']);
    await queue.close();
    return measured.map((m) => {
      const job = jobs.find((j) => (j.data as { sha?: string }).sha === m.sha);
      if (job?.processedOn === undefined || job.finishedOn === undefined)
        throw new Error(`bench:push-digest: no completed build job for ${m.sha}`);
      return {
        ...m,
        beforeBuildMs: job.processedOn - m.acceptedWall,
        buildMs: job.finishedOn - job.processedOn,
        afterBuildMs: m.runningWall - job.finishedOn,
      };
    });
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

const results: Measured[] = [];
let splits: Split[] = [];
let initialMs = Number.NaN;
try {
  await repo.git.writeFiles(await sampleAppFiles('catalog'));
  let head = await repo.commit('catalog with its sources');
  const first = await deliver(ZERO_SHA, head);
  let running = await waitRunning(undefined);
  initialMs = running.at - first.at;
  process.stderr.write(`initial (cold build) running after ${(initialMs / 1000).toFixed(1)} s: ${running.image}\n`);

  for (let i = 1; i <= pushes; i++) {
    if (Date.now() > stopAt) {
      process.stderr.write(`--stop-by ${stopBy} reached: ${i - 1} of ${pushes} pushes measured\n`);
      break;
    }
    await repo.git.writeFiles({ 'apps/catalog/src/items.js': `${items}// bench push ${i}\n` });
    const sha = await repo.commit(`catalog: source change ${i}`);
    const accepted = await deliver(head, sha);
    head = sha;
    running = await waitRunning(running.image);
    const built = await builtImage(sha);
    if (built !== running.image)
      throw new Error(`bench:push-digest: dev runs ${running.image}, the build of ${sha} made ${built}`);
    const ms = running.at - accepted.at;
    results.push({ sha, ms, image: running.image, acceptedWall: accepted.wall, runningWall: accepted.wall + ms });
    process.stderr.write(`push ${i}/${pushes}: ${(ms / 1000).toFixed(1)} s\n`);
  }
  splits = await splitByBuildJob(results);
} finally {
  await pipeline.close().catch(() => undefined);
  // The namespace goes with the platform anyway; deleting it first keeps a reused platform clean.
  await kc
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name: repo.namespace })
    .catch(() => undefined);
  await repo.git.cleanup().catch(() => undefined);
  rmSync(storageDir, { recursive: true, force: true });
  await stopPlatform(platform);
}

if (splits.length === 0) throw new Error('bench:push-digest: no push measured');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const median = (pick: (m: Split) => number) => s(quantile(splits.map(pick), 0.5));
const total = splits.map((m) => m.ms);
const sum = (pick: (m: Split) => number) => splits.reduce((acc, m) => acc + pick(m), 0);
const share = (pick: (m: Split) => number) => `${((100 * sum(pick)) / sum((m) => m.ms)).toFixed(1)} %`;
const finishedLoad = loadavg().map((l) => l.toFixed(1));
const flags = [
  ...(pushes === 10 ? [] : [`--pushes ${pushes}`]),
  ...(stopBy ? [`--stop-by ${stopBy}`] : []),
  ...(write ? ['--write'] : []),
];
const command = `npm run bench:push-digest${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`;
const report = [
  `Command: \`${command}\` on ${cpus().length} cores, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC; load average (1/5/15 min) ${load.join(' / ')} at the start, ${finishedLoad.join(' / ')} at the end. The platform (redis, kube-apiserver + etcd + controllers + kwok, registry, GitHub emulator), the webhook, a worker with \`GANTRY_BUILDER=local\` (buildah, vfs storage, chroot isolation) and its builds all share the machine. No goal is set (issue 8 asks for the figure).`,
  '',
  `What is measured: the catalog app (apps/catalog: Dockerfile, src/, base/) and a dev overlay (1 namespace, 2 replicas on kwok nodes). A first push builds catalog cold (empty buildah storage, base image \`${registry.baseImage}\` from the platform's registry) and deploys it: ${s(initialMs)}, not counted. Then ${splits.length} pushes one after another, each rewriting apps/catalog/src/items.js (a comment with the push's number), so each has a new content tag and is built on a warm layer cache. The clock runs from the webhook's 202 to the first poll (every ${POLL_MS} ms) that sees dev's catalog Deployment name a new image by digest, its rollout complete and Available; that digest is checked against the one the \`build/catalog\` check run reports. The split comes from the push's build job in BullMQ (its processedOn and finishedOn, ms): **before build** is 202 → the build job taken (the plan job fetches the commit, decides the content tag, checks the registry and enqueues the build), **build** is the build job (fetch, context archive, \`buildah bud\` on the warm layer cache + push, the check runs), **after build** is the build job finished → running (the waiting deploy job promoted, render with the digest pinned, apply, the rollout of 2 pods on kwok nodes).`,
  '',
  '| pushes | p50 | fastest / slowest | before build (median) | build (median) | after build (median) |',
  '|---|---|---|---|---|---|',
  `| ${splits.length}${splits.length < pushes ? ` of ${pushes}` : ''} | ${s(quantile(total, 0.5))} | ${s(Math.min(...total))} / ${s(Math.max(...total))} | ${median((m) => m.beforeBuildMs)} | ${median((m) => m.buildMs)} | ${median((m) => m.afterBuildMs)} |`,
  '',
  `Where the time goes, summed over the pushes: before build ${share((m) => m.beforeBuildMs)}, build ${share((m) => m.buildMs)}, after build ${share((m) => m.afterBuildMs)}.`,
  '',
  `Per push (total = before + build + after): ${splits.map((m) => `${s(m.ms)} = ${s(m.beforeBuildMs)} + ${s(m.buildMs)} + ${s(m.afterBuildMs)}`).join('; ')}.`,
].join('\n');
process.stdout.write(`${report}\n`);
if (write) replaceSection(SECTION, report);
