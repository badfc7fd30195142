// Benchmark: warm start time of the local platform and its idle memory.
//   npm run bench:platform [-- --runs 5]
// Starts and stops the whole platform N times (binaries already cached), recording the wall time until every
// component is ready (nodes Ready included), then samples the resident memory of every component process (and
// its children) after 10 s idle. Prints a Markdown table; --write appends it to BENCHMARKS.md's platform section.
import { readFileSync, readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { startPlatform, stopPlatform } from '../test/platform/platform.js';
import { replaceSection } from './benchmarks-file.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 5) || 5;
const write = args.includes('--write');

/** Resident set size in KiB of pid and all its descendants (from /proc). */
function treeRssKiB(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch { /* exited */ }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      total += Number(m?.[1] ?? 0);
    } catch { /* exited */ }
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

const load = loadavg()[0]!.toFixed(1);
const times: number[] = [];
let memory: { name: string; mib: number }[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const state = await startPlatform({ ownerPid: process.pid, log: () => undefined });
  const seconds = (performance.now() - t0) / 1000;
  times.push(seconds);
  process.stderr.write(`run ${i + 1}/${runs}: ready in ${seconds.toFixed(2)} s\n`);
  if (i === runs - 1) {
    await new Promise((r) => setTimeout(r, 10_000));
    memory = state.components.map((c) => ({ name: c.name, mib: treeRssKiB(c.pid) / 1024 }));
  }
  await stopPlatform(state);
}

const total = memory.reduce((s, m) => s + m.mib, 0);
const table = [
  `Command: \`npm run bench:platform -- --runs ${runs}\` on ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${new Date().toISOString().slice(0, 10)}; load average ${load} when it started (other work on the machine slows the apiserver's start most).`,
  '',
  '| measure | value |',
  '|---|---|',
  `| warm start, all components ready (median of ${runs}) | ${quantile(times, 0.5).toFixed(2)} s |`,
  `| warm start, slowest of ${runs} | ${Math.max(...times).toFixed(2)} s |`,
  `| idle resident memory, all components (10 s after start) | ${total.toFixed(0)} MiB |`,
  '',
  '| component | idle RSS (MiB) |',
  '|---|---|',
  ...memory.sort((a, b) => b.mib - a.mib).map((m) => `| ${m.name} | ${m.mib.toFixed(0)} |`),
].join('\n');
process.stdout.write(`${table}\n`);
if (write) replaceSection('Local platform: warm start and idle memory', table);
