// The `gantry` executable as installed (package.json "bin": dist/cli/gantry.cjs, bundled as CommonJS by
// scripts/bundle-render.ts). `gantry render` goes straight to the bundled render path with its cached compiled code,
// without Node's ES module loader, which cost every render process about 8 ms of CPU (BENCHMARKS.md); every other
// command, and a build without the render bundle, go through the ES module cli/main.js as before. Only meaningful
// bundled: tsc leaves it out of dist/ (tsconfig.build.json).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileCacheDir, loadBundle } from './bundled-command.js';
import { writeAllSync } from './write-all-sync.js';

const [name, ...args] = process.argv.slice(2);
const bundle = join(__dirname, 'render.cjs');
if (name === 'render' && existsSync(bundle)) {
  const { command } = loadBundle(bundle, 'runRender', compileCacheDir());
  // Written to the file descriptors directly, as `kustomize build` does: creating process.stdout for a pipe loads
  // Node's net and stream modules (about 3 ms of a render process), and with everything written synchronously the
  // process can exit as soon as the render is done instead of tearing its heap down (about 1.5 ms more).
  void Promise.resolve(
    command(args, { stdout: (text) => writeAllSync(1, text), stderr: (text) => writeAllSync(2, text), cwd: process.cwd() }),
  ).then((code) => process.exit(code));
} else {
  void import('./main.js');
}
