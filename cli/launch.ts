// The `gantry` executable as installed (package.json "bin": dist/cli/gantry.cjs, bundled as CommonJS by
// scripts/bundle-render.ts). `gantry render` goes straight to the bundled render path with its cached compiled code,
// without Node's ES module loader, which cost every render process about 8 ms of CPU (BENCHMARKS.md); every other
// command, and a build without the render bundle, go through the ES module cli/main.js as before. Only meaningful
// bundled: tsc leaves it out of dist/ (tsconfig.build.json).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { compileCacheDir, loadBundle } from './bundled-command.js';

const [name, ...args] = process.argv.slice(2);
const bundle = join(__dirname, 'render.cjs');
if (name === 'render' && existsSync(bundle)) {
  const { command } = loadBundle(bundle, 'runRender', compileCacheDir());
  void Promise.resolve(
    command(args, {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      cwd: process.cwd(),
    }),
  ).then((code) => {
    process.exitCode = code;
  });
} else {
  void import('./main.js');
}
