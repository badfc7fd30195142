// Child process of bench/kustomize-render.ts: renders each overlay given on the command line with kustomize-ts
// in this one process, importing the built library from dist/ (plain JavaScript, so no TypeScript loader is in the
// measurement). It renders all overlays in passes until at least 300 renders and 5 passes are done (so a set of 3
// overlays is not measured with a cold JIT, nor in a fraction of a second that a busy moment of this shared machine
// covers whole): the first pass is cold; the second half of the passes is what a long-running worker sees, and each
// overlay's warm time is its median over them (one pass of a few renders is swayed by a single garbage collection or
// preemption). Writes each last-pass output to <outDir>/<n>.yaml and prints
// {"cold": [ms...], "warm": [ms...], "passes": n, "warmFrom": k} as JSON.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distIndex, root, outDir, ...dirs] = process.argv.slice(2);
const { DiskFileSystem, renderKustomization } = await import(pathToFileURL(distIndex).href);
const pass = (keep) =>
  dirs.map((dir, i) => {
    const t0 = performance.now();
    // A file system per render, as each `gantry render` has: one remembers the paths it resolved.
    const { yaml } = renderKustomization(new DiskFileSystem(root), dir);
    const ms = performance.now() - t0;
    if (keep) writeFileSync(join(outDir, `${i}.yaml`), yaml);
    return ms;
  });
const passes = Math.max(5, Math.ceil(300 / dirs.length));
const warmFrom = Math.floor(passes / 2) + 1;
const cold = pass(false);
const warmPasses = [];
for (let i = 2; i <= passes; i++) {
  const times = pass(i === passes);
  if (i >= warmFrom) warmPasses.push(times);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const warm = dirs.map((_, i) => median(warmPasses.map((times) => times[i])));
process.stdout.write(JSON.stringify({ cold, warm, passes, warmFrom }));
