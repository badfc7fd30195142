// Where a process spent its CPU, from a V8 .cpuprofile (node --cpu-prof): self time by package or area, inclusive
// time by package and by function of ours, and the functions with the most self time. Used by the benchmarks to
// say where the time goes when a goal is missed.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Time of one area or function. */
export interface ProfileShare {
  readonly name: string;
  readonly ms: number;
  /** Share of the busy (non-idle) samples, 0..1. */
  readonly share: number;
}

/** The profile, summed four ways over the busy samples from `from` on. */
export interface ProfileSummary {
  /** Sampled time from the first sample inside `from` on, idle included. */
  readonly sampledMs: number;
  readonly busyMs: number;
  /** Self time per npm package, Node subsystem, file of ours, or V8 state. */
  readonly selfByArea: ProfileShare[];
  /** Time with at least one frame of the package or area on the stack. */
  readonly inclusiveByArea: ProfileShare[];
  /** Time with the function (one of ours) on the stack. */
  readonly inclusiveByOwnFunction: ProfileShare[];
  readonly selfByFunction: ProfileShare[];
}

const IDLE = new Set(['(idle)']);

/** The area a frame belongs to: an npm package, a Node subsystem, a file of ours, or V8's own states. */
function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native: V8 builtins and C++)';
  if (url.includes(BUNDLED)) return 'our code (bundled)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:'))
    return `node:${(/^node:(?:internal\/)?([^/]+)/.exec(url)?.[1] ?? url).replace(/\.js$/, '')}`;
  return ownFile(url) ?? url;
}

/** Where the benchmarks put our code bundled to plain JavaScript (node_modules/.cache/gantry-bench). */
const BUNDLED = '.cache/gantry-bench/';

/** The repository-relative path of one of our files, or undefined for anything else. */
function ownFile(url: string): string | undefined {
  if (url.includes(BUNDLED)) return 'bundle';
  if (url.includes('node_modules') || url.startsWith('node:')) return undefined;
  return /\/(?:core|adapters|webhook|worker|kustomize|cli|bench|test)\/.+$/.exec(url)?.[0].slice(1);
}

/**
 * Reads a .cpuprofile and sums its busy samples. `from` names a function: samples before the first one with it on
 * the stack are dropped (start-up and module loading are not what a benchmark measures).
 */
export function summarizeCpuProfile(file: string, options: { from?: string; top?: number } = {}): ProfileSummary {
  const top = options.top ?? 12;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stackOf = (id: number): ProfileNode[] => {
    const stack: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node) stack.push(node);
    }
    return stack;
  };

  const selfArea = new Map<string, number>();
  const inclArea = new Map<string, number>();
  const inclOwn = new Map<string, number>();
  const selfFn = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let started = options.from === undefined;
  let sampledUs = 0;
  let busyUs = 0;
  profile.samples.forEach((id, index) => {
    const us = profile.timeDeltas[index] ?? 0;
    const stack = stackOf(id);
    if (!started) started = stack.some((node) => node.callFrame.functionName === options.from);
    if (!started) return;
    sampledUs += us;
    const leaf = stack[0]?.callFrame;
    if (!leaf || IDLE.has(leaf.functionName)) return;
    busyUs += us;
    add(selfArea, areaOf(leaf.url, leaf.functionName), us);
    const where = leaf.url === '' ? '' : ` (${areaOf(leaf.url, '')}:${leaf.lineNumber + 1})`;
    add(selfFn, `${leaf.functionName || '(anonymous)'}${where}`, us);
    const areas = new Set<string>();
    const own = new Set<string>();
    for (const { callFrame } of stack) {
      if (callFrame.url !== '') areas.add(areaOf(callFrame.url, callFrame.functionName));
      const path = ownFile(callFrame.url);
      if (path && callFrame.functionName) own.add(`${callFrame.functionName} (${path})`);
    }
    for (const area of areas) add(inclArea, area, us);
    for (const fn of own) add(inclOwn, fn, us);
  });
  const rank = (map: Map<string, number>): ProfileShare[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busyUs === 0 ? 0 : us / busyUs }));
  return {
    sampledMs: sampledUs / 1000,
    busyMs: busyUs / 1000,
    selfByArea: rank(selfArea),
    inclusiveByArea: rank(inclArea),
    inclusiveByOwnFunction: rank(inclOwn),
    selfByFunction: rank(selfFn),
  };
}
