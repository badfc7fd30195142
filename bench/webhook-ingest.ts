// Benchmark: webhook ingest. Deliveries per second through the real webhook service (webhook/main.ts, as
// `npm run webhook` runs it: signature check, parse, route, plan job stored in Redis before the 2xx) and latency
// p50/p99, with the load generator in a second process (bench/webhook-load.ts) and a real redis-server (the local
// platform's: AOF on, fsync every second). Loopback only.
//   npm run bench:ingest [-- --workers 1,auto --concurrency 1,8,32,128 --duration 10 --warmup 2 --runs 2 --profile --keep-logs --write]
// Each run starts a fresh webhook process per GANTRY_WEBHOOK_WORKERS setting in --workers (side by side, so they
// share the machine's load); each concurrency level is a warm-up, then a measured window. After every
// level the plan jobs in Redis are counted: they must equal the 202s (nothing lost, nothing extra), or the bench
// fails. --profile adds one pass under `node --cpu-prof` (not in the figures) and reports where the webhook's CPU
// goes. --write replaces the "Webhook ingest" section of BENCHMARKS.md.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Queue } from 'bullmq';
import { planJobSchema } from '../adapters/queue/plan-job.js';
import { PLAN_QUEUE, queuePrefix } from '../adapters/queue/queue-names.js';
import { createRedisClient } from '../adapters/queue/redis-client.js';
import { startPlatform, stopPlatform } from '../test/platform/platform.js';
import { REPO_ROOT } from '../test/platform/paths.js';
import { replaceSection } from './benchmarks-file.js';
import { summarizeCpuProfile } from './cpu-profile-summary.js';
import { cpuMsOf, cpuMsOfTree, quantile } from './measure.js';
import { startWebhookProcess, type WebhookProcess } from './webhook-process.js';
import type { LoadResult, LoadSettings } from './webhook-load.js';

const run = promisify(execFile);
const args = process.argv.slice(2);
const option = (name: string, fallback: string) =>
  args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback;
const levels = option('--concurrency', '1,8,32,128').split(',').map(Number);
const workerSettings = option('--workers', '1,auto').split(',');
const durationS = Number(option('--duration', '10'));
const warmupS = Number(option('--warmup', '2'));
const runs = Number(option('--runs', '2'));
const profile = args.includes('--profile');
const write = args.includes('--write');
const keepLogs = args.includes('--keep-logs');
if (
  [...levels, durationS, runs].some((n) => !Number.isFinite(n) || n <= 0) ||
  !Number.isFinite(warmupS) ||
  workerSettings.some((w) => w !== 'auto' && !/^\d+$/.test(w))
) {
  throw new Error(
    'bench:ingest: --concurrency takes numbers like 1,8,32; --workers numbers or auto, like 1,auto; --duration, --warmup and --runs take numbers',
  );
}

const GOAL_RATE = 3_000;
const GOAL_P99_MS = 25;

interface Level {
  readonly run: number;
  /** GANTRY_WEBHOOK_WORKERS as given. */
  readonly workers: string;
  readonly concurrency: number;
  readonly load: LoadResult;
  readonly accepted: number;
  readonly stored: number;
  readonly webhookCpuMs: number;
  readonly redisCpuMs: number;
  readonly wallMs: number;
}

/** Runs the generator once against the webhook; returns what it saw and what the servers spent. */
async function measureLevel(
  webhook: WebhookProcess,
  redisPid: number,
  concurrency: number,
  secret: string,
): Promise<Omit<Level, 'run' | 'workers' | 'stored' | 'accepted'>> {
  const settings: LoadSettings = { port: webhook.port, concurrency, warmupS, durationS };
  const [hook0, redis0, t0] = [cpuMsOfTree(webhook.pid), cpuMsOf(redisPid), performance.now()];
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'bench', 'webhook-load.ts'), JSON.stringify(settings)],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, BENCH_WEBHOOK_SECRET: secret },
      maxBuffer: 64 * 2 ** 20,
    },
  );
  const wallMs = performance.now() - t0;
  return {
    concurrency,
    load: JSON.parse(stdout) as LoadResult,
    webhookCpuMs: cpuMsOfTree(webhook.pid) - hook0,
    redisCpuMs: cpuMsOf(redisPid) - redis0,
    wallMs,
  };
}

/** Plan jobs stored under the prefix, in any state; checks a few of them parse as plan jobs. */
async function storedPlanJobs(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts();
  const sample = await queue.getJobs(['wait'], 0, 4);
  for (const job of sample) planJobSchema.parse(job.data);
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

const platform = await startPlatform({
  parts: ['redis'],
  ownerPid: process.pid,
  log: (line) => process.stderr.write(`[platform] ${line}\n`),
});
const redisUrl = platform.redis!.url;
const redisPid = platform.components.find((c) => c.name === 'redis')?.pid ?? 0;
const admin = createRedisClient({ url: redisUrl, role: 'worker', name: 'bench-ingest' });
const logDir = mkdtempSync(join(tmpdir(), 'gantry-bench-ingest-'));
const levelsDone: Level[] = [];
const loads: string[] = [];
let profileReport = '';
try {
  const passes = [...Array.from({ length: runs }, (_, i) => i + 1), ...(profile ? [0] : [])];
  for (const pass of passes) {
    // The profile pass runs one process, so its profile is one process's whole story.
    for (const workers of pass === 0 ? ['1'] : workerSettings) {
      const secret = randomBytes(24).toString('hex');
      const namespace = `bench${pass}-${randomBytes(3).toString('hex')}`;
      const profileDir = pass === 0 ? join(logDir, 'profile') : undefined;
      loads.push(`run ${pass || 'profile'} (workers ${workers}): ${loadavg()[0]!.toFixed(1)}`);
      const webhook = await startWebhookProcess({
        redisUrl,
        secret,
        namespace,
        workers,
        logFile: join(logDir, `webhook-${pass}-${workers}.log`),
        profileDir,
      });
      const queue = new Queue(PLAN_QUEUE, { connection: admin, prefix: queuePrefix(namespace) });
      try {
        for (const concurrency of pass === 0 ? [Math.max(...levels)] : levels) {
          const measured = await measureLevel(webhook, redisPid, concurrency, secret);
          const accepted = measured.load.statuses['202'] ?? 0;
          const stored = await storedPlanJobs(queue);
          const other = Object.entries(measured.load.statuses).filter(([status]) => status !== '202');
          if (stored !== accepted || other.length > 0 || measured.load.transportErrors > 0) {
            throw new Error(
              `bench:ingest: at concurrency ${concurrency} (workers ${workers}), ${accepted} deliveries were answered 202 but ${stored} plan jobs are in Redis; other answers ${JSON.stringify(Object.fromEntries(other))}, ${measured.load.transportErrors} without an answer (webhook log: ${logDir})`,
            );
          }
          const level = { ...measured, run: pass, workers, accepted, stored };
          process.stderr.write(
            `${pass ? `run ${pass}` : 'profile'} workers=${workers} c=${concurrency}: ${(measured.load.windowCompleted / (measured.load.windowMs / 1000)).toFixed(0)}/s, p99 ${quantile(measured.load.latenciesMs, 0.99).toFixed(1)} ms, ${stored} jobs stored = ${accepted} accepted\n`,
          );
          if (pass > 0) levelsDone.push(level);
          // Each level starts from an empty Redis, so a growing dataset (and AOF rewrites) do not tilt later levels.
          await admin.flushdb();
        }
      } finally {
        await queue.close();
        await webhook.stop();
      }
      if (profileDir) {
        const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
        if (file) profileReport = profileTable(join(profileDir, file), Math.max(...levels));
      }
    }
  }
} finally {
  admin.disconnect();
  await stopPlatform(platform);
}

function profileTable(file: string, concurrency: number): string {
  const summary = summarizeCpuProfile(file, { from: 'handleDelivery' });
  const table = (title: string, shares: readonly { name: string; ms: number; share: number }[]) => [
    `| ${title} | CPU | share of busy |`,
    '|---|---|---|',
    ...shares.map(
      (s) =>
        `| ${s.name.includes('(') ? `\`${s.name}\`` : s.name} | ${s.ms.toFixed(0)} ms | ${(s.share * 100).toFixed(1)} % |`,
    ),
  ];
  return [
    `**Where the webhook's time goes**: one extra pass at ${concurrency} connections under \`node --cpu-prof\` (slower, so not in the figures above), from the first delivery on: ${(summary.sampledMs / 1000).toFixed(1)} s sampled, ${(summary.busyMs / 1000).toFixed(1)} s busy. "Inclusive" counts a sample when the package or function is anywhere on the synchronous stack (time after an \`await\` is not attributed to the caller).`,
    '',
    ...table('area (self time)', summary.selfByArea),
    '',
    ...table('area (inclusive)', summary.inclusiveByArea),
    '',
    ...table('our function (inclusive)', summary.inclusiveByOwnFunction),
    '',
    ...table('function (self time)', summary.selfByFunction),
  ].join('\n');
}

function verdict(rate: number, p99: number): string {
  const misses = [rate < GOAL_RATE ? 'rate' : '', p99 > GOAL_P99_MS ? 'p99' : ''].filter(Boolean);
  return misses.length === 0 ? 'met' : `missed (${misses.join(', ')})`;
}

const rows = levelsDone.map((l) => {
  const rate = l.load.windowCompleted / (l.load.windowMs / 1000);
  const p99 = quantile(l.load.latenciesMs, 0.99);
  const all = Object.values(l.load.statuses).reduce((a, b) => a + b, 0);
  const seconds = l.wallMs / 1000;
  return `| ${l.run} | ${l.workers} | ${l.concurrency} | ${rate.toFixed(0)} | ${quantile(l.load.latenciesMs, 0.5).toFixed(2)} ms | ${p99.toFixed(2)} ms | ${Math.max(...l.load.latenciesMs).toFixed(1)} ms | ${l.accepted} / ${l.stored} | ${(l.webhookCpuMs / all).toFixed(3)} ms (${((l.webhookCpuMs / 1000 / seconds) * 100).toFixed(0)} %) | ${(l.redisCpuMs / all).toFixed(3)} ms (${((l.redisCpuMs / 1000 / seconds) * 100).toFixed(0)} %) | ${(l.load.cpuMs / all).toFixed(3)} ms | ${verdict(rate, p99)} |`;
});
/** What the webhook could do with its cores to itself, from its CPU per delivery at the highest load. */
function ceiling(): string {
  const top = levelsDone.filter((l) => l.concurrency === Math.max(...levels));
  const perDelivery = top.map((l) => l.webhookCpuMs / Object.values(l.load.statuses).reduce((a, b) => a + b, 0));
  const [low, high] = [Math.min(...perDelivery), Math.max(...perDelivery)];
  return `At ${Math.max(...levels)} connections the webhook (all its processes) spent ${low.toFixed(3)}-${high.toFixed(3)} ms of CPU per delivery: one process with a whole core to itself tops out at ${(1000 / high).toFixed(0)}-${(1000 / low).toFixed(0)} deliveries/s, so the goal needs a second core (GANTRY_WEBHOOK_WORKERS, or replicas) or less work per delivery. On this machine the second core is shared with Redis, the generator and everything else running.`;
}

/** The levels that met the rate and the p99 goal together, as `run/workers/connections`, or `none`. */
function met(): string {
  const rows = levelsDone.filter(
    (l) => verdict(l.load.windowCompleted / (l.load.windowMs / 1000), quantile(l.load.latenciesMs, 0.99)) === 'met',
  );
  return rows.length === 0 ? 'none' : rows.map((l) => `run ${l.run}, workers ${l.workers}, ${l.concurrency} connections`).join('; ');
}

const best = Math.max(...levelsDone.map((l) => l.load.windowCompleted / (l.load.windowMs / 1000)));
const commandLine =
  `npm run bench:ingest -- ${args.filter((a) => a !== '--write' && a !== '--keep-logs').join(' ')}`.trim();
const report = [
  `Command: \`${commandLine}${write ? ' --write' : ''}\` on ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}; load average (1 min) at the start of each run: ${loads.join(', ')}. Other work on the machine shows in that load average (the platform's own idle components keep it near 1-2).`,
  '',
  `Setup: \`webhook/main.ts\` as its own process (\`node --import tsx\`, as \`npm run webhook\`; pino at info, one log line per delivery, to a file), with \`GANTRY_WEBHOOK_WORKERS\` as in the "workers" column (\`auto\`: one node:cluster worker per core, ${cpus().length} here, behind a supervising primary), the local platform's \`redis-server\` (AOF, fsync every second), and the load generator (bench/webhook-load.ts) as a third process: a closed loop of N keep-alive connections, each sending the next delivery when the previous answer is in. Every delivery is a GitHub push (the emulator's builder, ${levelsDone[0]?.load.meanRequestBytes ?? 0} bytes on average with headers) with its own UUID \`X-GitHub-Delivery\` and a valid \`X-Hub-Signature-256\`, so each is verified, parsed, routed and stored as a plan job before the 202. ${warmupS} s warm-up, then ${durationS} s measured per level; latency is from the first byte sent to the last byte received. After each level the plan jobs in Redis were counted and equalled the 202s (the bench fails otherwise); no other status and no connection error occurred. CPU per delivery is the user+system time of the webhook's processes (the primary and its workers) over all deliveries of the level (warm-up included); the percentage is of one core over the level's wall time (up to ${cpus().length * 100} %).`,
  '',
  `| run | workers | connections | deliveries/s | p50 | p99 | max | 202s / plan jobs stored | webhook CPU per delivery | redis CPU per delivery | generator CPU per delivery | goal (≥ ${GOAL_RATE.toLocaleString('en')}/s, p99 ≤ ${GOAL_P99_MS} ms) |`,
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
  `Best rate seen: ${best.toFixed(0)} deliveries/s. Levels that met both goals (rate and p99): ${met()}. ${ceiling()}`,
  ...(profileReport ? ['', profileReport] : []),
].join('\n');
process.stdout.write(`${report}\n`);
if (write) replaceSection('Webhook ingest', report);
if (keepLogs) process.stderr.write(`webhook logs and profile kept in ${logDir}\n`);
else rmSync(logDir, { recursive: true, force: true });
