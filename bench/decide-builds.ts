// Benchmark: deciding what to build after a one-file change, in a generated repository of 200 apps (issue 8's goal:
// ≤ 50 ms). A real git repository: 200 apps under apps/ (app.yaml, Dockerfile, package.json, src/, base/), one
// overlay reaching all of them; commit 1 is the initial state, commit 2 changes one source file of one app. On
// commit 2, measured separately, warm (the mirror holds both commits):
//   - decide: core's decision alone (decideImages: content tags of all 200 apps from the tree listing);
//   - plan: what the plan job adds, minus the registry: 200 app.yaml read (parsed once per content, then cached),
//     the overlay's kustomization references followed to learn which apps it reaches, and the tags decided;
//   - tree: reading the commit's tree from the mirror (ls-tree + cat-file), which the plan job does anyway for the
//     environments' env.yaml, shown apart.
// The registry lookup is left out of both (it is one HEAD per tag, measured by the builders' own tests).
//   npm run bench:decide-builds [-- --write]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { GitMirror } from '../adapters/git/index.js';
import { decideImages } from '../core/build/decide-builds.js';
import { planBuilds } from '../worker/stages/build/plan-builds.js';
import { readApps } from '../worker/stages/build/read-apps.js';
import { replaceSection } from './benchmarks-file.js';
import { median, quantile } from './measure.js';

const write = process.argv.includes('--write');
const APPS = 200;
const RUNS = 30;
const GOAL_MS = 50;

const root = mkdtempSync(join(tmpdir(), 'gantry-bench-decide-'));
const work = join(root, 'work');

function put(path: string, text: string): void {
  mkdirSync(dirname(join(work, path)), { recursive: true });
  writeFileSync(join(work, path), text);
}

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', ...args], {
    cwd: work,
    encoding: 'utf8',
  }).trim();
}

function generate(): void {
  mkdirSync(work, { recursive: true });
  git('init', '--quiet', '--initial-branch=main');
  const resources: string[] = [];
  for (let i = 0; i < APPS; i++) {
    const name = `app-${String(i).padStart(3, '0')}`;
    const dir = `apps/${name}`;
    put(
      `${dir}/app.yaml`,
      `name: ${name}\nimage:\n  repository: bench/${name}\nports:\n  - name: http\n    containerPort: 8080\n`,
    );
    put(
      `${dir}/Dockerfile`,
      `ARG BASE_IMAGE=node:20-bookworm-slim\nFROM $BASE_IMAGE\nCOPY . /app\nCMD ["node", "/app/src/server.js"]\n`,
    );
    put(`${dir}/package.json`, `{ "name": "${name}", "version": "1.0.0" }\n`);
    for (let f = 0; f < 10; f++) put(`${dir}/src/module-${f}.js`, `export const value${f} = '${name}-${f}';\n`);
    put(`${dir}/base/kustomization.yaml`, 'resources:\n  - deployment.yaml\n');
    put(
      `${dir}/base/deployment.yaml`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    matchLabels: { app: ${name} }\n  template:\n    metadata:\n      labels: { app: ${name} }\n    spec:\n      containers:\n        - name: ${name}\n          image: bench/${name}\n`,
    );
    resources.push(`  - ../../apps/${name}/base`);
  }
  put('environments/dev/kustomization.yaml', `namespace: bench\nresources:\n${resources.join('\n')}\n`);
  put('environments/dev/env.yaml', 'name: dev\nbranch: main\ncluster:\n  name: local\nnamespace: bench\n');
  git('add', '--all');
  git('commit', '--quiet', '-m', 'initial');
  put('apps/app-123/src/module-4.js', "export const value4 = 'changed';\n");
  git('commit', '--quiet', '-am', 'one source file of one app');
}

async function main(): Promise<void> {
  const load = loadavg()[0]!.toFixed(1);
  generate();
  const [before, after] = [git('rev-parse', 'HEAD~1'), git('rev-parse', 'HEAD')];
  const mirror = new GitMirror({ cacheDir: join(root, 'mirrors'), logger: pino({ level: 'silent' }) });
  const repo = await mirror.fetch(`file://${work}`, after);
  const registry = { fingerprint: 'bench/1', find: async () => undefined };

  // Which apps changed tag between the two commits: exactly one is the decision being right, not only fast.
  const tagsAt = async (sha: string) => {
    const tree = await repo.treeAt(sha);
    return decideImages(readApps(tree), tree.entries, registry.fingerprint);
  };
  const [old, now] = [await tagsAt(before), await tagsAt(after)];
  const changed = now.filter((source, i) => source.tag !== old[i]?.tag).map((source) => source.app);
  if (changed.join() !== 'app-123')
    throw new Error(`bench: expected only app-123 to need a build, got ${changed.join()}`);

  const tree = await repo.treeAt(after);
  const apps = readApps(tree);
  const decide: number[] = [];
  const plan: number[] = [];
  const read: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let t0 = performance.now();
    decideImages(apps, tree.entries, registry.fingerprint);
    decide.push(performance.now() - t0);
    t0 = performance.now();
    const fresh = await repo.treeAt(after);
    read.push(performance.now() - t0);
    t0 = performance.now();
    const needs = await planBuilds(fresh, ['dev'], registry);
    plan.push(performance.now() - t0);
    if (needs.get('dev')?.length !== APPS) throw new Error('bench: the overlay should reach every app');
  }
  const row = (what: string, xs: number[]) =>
    `| ${what} | ${median(xs).toFixed(1)} | ${quantile(xs, 0.95).toFixed(1)} | ${median(xs) <= GOAL_MS ? 'met' : 'missed'} |`;
  const body = [
    `Command: \`npm run bench:decide-builds -- --write\` (${APPS} apps, ${APPS * 14 + 2} files, one source file of`,
    `app-123 changed; ${RUNS} warm runs each; load average ${load} at the start on the shared 2-core machine).`,
    `Only app-123's content tag changed between the two commits, as it must.`,
    '',
    `| what is timed | median ms | p95 ms | goal (≤ ${GOAL_MS} ms) |`,
    '|---|---:|---:|---|',
    row('decide: content tags of 200 apps from the tree listing (core/build)', decide),
    row('plan: 200 app.yaml + apps the overlay reaches + tags (no registry)', plan),
    row('tree: the commit read from the mirror (the plan job reads it anyway)', read),
  ].join('\n');
  process.stdout.write(`${body}\n`);
  if (write) replaceSection('Deciding what to build: one-file change in 200 apps', body);
  rmSync(root, { recursive: true, force: true });
}

await main();
