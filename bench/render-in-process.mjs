// Child process of bench/kustomize-render.ts: renders each overlay given on the command line with kustomize-ts
// in this one process, importing the built library from dist/ (plain JavaScript, so no TypeScript loader is in the
// measurement). It renders all overlays in passes until at least 60 renders are done (so a set of 3 overlays is not
// measured with a cold JIT): the first pass is cold, the last is what a long-running worker sees. Writes each
// last-pass output to <outDir>/<n>.yaml and prints {"cold": [ms...], "warm": [ms...], "passes": n} as JSON.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distIndex, root, outDir, ...dirs] = process.argv.slice(2);
const { DiskFileSystem, renderKustomization } = await import(pathToFileURL(distIndex).href);
const fs = new DiskFileSystem(root);
const pass = (keep) =>
  dirs.map((dir, i) => {
    const t0 = performance.now();
    const { yaml } = renderKustomization(fs, dir);
    const ms = performance.now() - t0;
    if (keep) writeFileSync(join(outDir, `${i}.yaml`), yaml);
    return ms;
  });
const passes = Math.max(2, Math.ceil(60 / dirs.length));
const cold = pass(false);
for (let i = 2; i < passes; i++) pass(false);
const warm = pass(true);
process.stdout.write(JSON.stringify({ cold, warm, passes }));
