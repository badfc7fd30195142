// Benchmark: kustomize-ts against the kustomize CLI, side by side in one run, on the same overlays:
//   - every overlay in environments/ (the samples), and
//   - a generated repository of 100 overlays over 30 bases (bench/generate-overlays.ts).
// Three ways to render each overlay, each checked byte for byte against the CLI's output:
//   kustomize build DIR (per overlay, a process each) | gantry render DIR (per overlay, a process each) |
//   kustomize-ts in one process (a long-running worker's case).
// Peak memory is each process's max RSS from GNU time; for the per-overlay ways, the largest of the runs.
//   npm run bench:kustomize [-- --write]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryDirs, REPO_ROOT } from '../test/platform/paths.js';
import { readVersions } from '../test/platform/versions.js';
import { replaceSection } from './benchmarks-file.js';
import { generateOverlayRepository } from './generate-overlays.js';

const write = process.argv.includes('--write');
const kustomize = join(binaryDirs(readVersions()).kustomize, 'kustomize');
const gnuTime = '/usr/bin/time';
for (const [path, fix] of [
  [kustomize, 'bash test/platform/bin/build-binaries.sh kustomize'],
  [gnuTime, 'apt-get install time'],
] as const) {
  if (!existsSync(path)) throw new Error(`bench: ${path} is missing; run \`${fix}\``);
}
process.stderr.write('building dist/ (npm run build) so gantry render runs as users run it\n');
execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
const gantry = join(REPO_ROOT, 'dist', 'cli', 'main.js');

/** Runs a command under GNU time; returns stdout, wall ms, and max RSS in KiB. */
function timed(cmd: string, args: string[], cwd: string): { stdout: string; ms: number; maxRssKiB: number } {
  const t0 = performance.now();
  const r = spawnSync(gnuTime, ['-f', '%M', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  return { stdout: r.stdout, ms, maxRssKiB: Number(lines[lines.length - 1]) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The goal for each renderer, judged from the figures of this run (median per overlay against the CLI's). */
const GOAL = 'goal (>= 5x faster than the CLI per overlay)';
const GOAL_SPEED_UP = 5;

/** "met" only when the median speed-up reaches the goal and every overlay's bytes equal the CLI's. */
function verdict(speedUp: number, identical: number, overlays: number): string {
  const misses = [
    ...(speedUp >= GOAL_SPEED_UP ? [] : [`${speedUp.toFixed(2)}x < ${GOAL_SPEED_UP}x`]),
    ...(identical === overlays ? [] : [`${overlays - identical} outputs differ`]),
  ];
  return misses.length === 0 ? 'met' : `missed (${misses.join(', ')})`;
}

interface Row {
  name: string;
  perOverlayMs: number[];
  totalMs: number;
  peakMiB: number;
  identical: number;
}

function runSet(label: string, root: string, dirs: string[]): string {
  process.stderr.write(`${label}: ${dirs.length} overlays\n`);
  const cli = dirs.map((d) => timed(kustomize, ['build', d], root));
  const viaGantry = dirs.map((d) => timed(process.execPath, [gantry, 'render', d], root));
  const out = mkdtempSync(join(tmpdir(), 'gantry-bench-out-'));
  const inProc = timed(
    process.execPath,
    [
      join(REPO_ROOT, 'bench', 'render-in-process.mjs'),
      join(REPO_ROOT, 'dist', 'kustomize', 'index.js'),
      root,
      out,
      ...dirs,
    ],
    root,
  );
  const inProcTimes = JSON.parse(inProc.stdout) as { cold: number[]; warm: number[]; passes: number };
  const inProcYaml = dirs.map((_, i) => readFileSync(join(out, `${i}.yaml`), 'utf8'));
  rmSync(out, { recursive: true, force: true });

  const rows: Row[] = [
    {
      name: '`kustomize build DIR` (CLI, process per overlay)',
      perOverlayMs: cli.map((r) => r.ms),
      totalMs: sum(cli.map((r) => r.ms)),
      peakMiB: Math.max(...cli.map((r) => r.maxRssKiB)) / 1024,
      identical: dirs.length,
    },
    {
      name: '`gantry render DIR` (process per overlay)',
      perOverlayMs: viaGantry.map((r) => r.ms),
      totalMs: sum(viaGantry.map((r) => r.ms)),
      peakMiB: Math.max(...viaGantry.map((r) => r.maxRssKiB)) / 1024,
      identical: viaGantry.filter((r, i) => r.stdout === cli[i]!.stdout).length,
    },
    {
      name: 'kustomize-ts in process, first pass (cold JIT)',
      perOverlayMs: inProcTimes.cold,
      totalMs: sum(inProcTimes.cold),
      peakMiB: inProc.maxRssKiB / 1024,
      identical: inProcYaml.filter((y, i) => y === cli[i]!.stdout).length,
    },
    {
      name: `kustomize-ts in process, pass ${inProcTimes.passes} (warm worker)`,
      perOverlayMs: inProcTimes.warm,
      totalMs: sum(inProcTimes.warm),
      peakMiB: inProc.maxRssKiB / 1024,
      identical: inProcYaml.filter((y, i) => y === cli[i]!.stdout).length,
    },
  ];
  const cliMedian = median(rows[0]!.perOverlayMs);
  return [
    `**${label}** (${dirs.length} overlays)`,
    '',
    `| renderer | median per overlay | p95 per overlay | all overlays | speed-up vs CLI (median) | peak RSS | byte-identical to CLI | ${GOAL} |`,
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r, i) => {
      const speedUp = cliMedian / median(r.perOverlayMs);
      const goal = i === 0 ? '— (the baseline)' : verdict(speedUp, r.identical, dirs.length);
      return `| ${r.name} | ${median(r.perOverlayMs).toFixed(1)} ms | ${p95(r.perOverlayMs).toFixed(1)} ms | ${(r.totalMs / 1000).toFixed(2)} s | ${speedUp.toFixed(1)}x | ${r.peakMiB.toFixed(0)} MiB | ${r.identical}/${dirs.length} | ${goal} |`;
    }),
  ].join('\n');
}

const sampleDirs = ['dev', 'staging', 'production'].map((e) => `environments/${e}`);
const generatedRoot = mkdtempSync(join(tmpdir(), 'gantry-bench-repo-'));
mkdirSync(join(generatedRoot, '.git'));
try {
  const loadAtStart = loadavg()[0]!.toFixed(1);
  const samples = runSet('Sample environments (environments/)', REPO_ROOT, sampleDirs);
  const generated = runSet(
    'Generated repository: 100 overlays over 30 bases',
    generatedRoot,
    generateOverlayRepository(generatedRoot),
  );
  const loadAtEnd = loadavg()[0]!.toFixed(1);
  const report = [
    `Command: \`npm run bench:kustomize -- --write\` on ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}, load average (1 min) ${loadAtStart} at start and ${loadAtEnd} at the end; kustomize ${readVersions().KUSTOMIZE_VERSION} built from the Go module proxy. Per-overlay times are wall-clock; "in process" renders all overlays in one Node process (excluding its start-up), in passes until at least 60 renders are done: the first pass is cold, the last is what a running worker sees (outputs compared from the last pass); peak RSS is GNU time's maximum resident set size (for in process: the whole process, all passes). The goal column is computed from this run's figures: met when the median per overlay is at least ${GOAL_SPEED_UP}x faster than the CLI's and every output is byte-identical.`,
    '',
    samples,
    '',
    generated,
  ].join('\n');
  process.stdout.write(`${report}\n`);
  if (write) replaceSection('kustomize-ts against the kustomize CLI', report);
} finally {
  rmSync(generatedRoot, { recursive: true, force: true });
}
