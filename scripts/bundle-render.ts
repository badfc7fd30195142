// Bundles the code path of `gantry render` (cli/render.ts, kustomize/, and the yaml and zod packages it uses) into
// one CommonJS file, dist/cli/render.cjs. A render process then reads one file instead of a few hundred modules, and
// can reuse V8's compiled code from the previous run (cli/bundled-command.ts). Run by `npm run build` after tsc;
// `gantry render` from the sources (tsx) does not use it.
//   node --import tsx scripts/bundle-render.ts [--outfile FILE]   (default: dist/cli/render.cjs)
import { build } from 'esbuild';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { outfile: { type: 'string' } } });
await build({
  entryPoints: [join(root, 'cli', 'render.ts')],
  outfile: values.outfile === undefined ? join(root, 'dist', 'cli', 'render.cjs') : resolve(values.outfile),
  bundle: true,
  platform: 'node',
  // CommonJS, because Node 20 can reuse compiled code only for a script (vm.Script's cachedData), not an ES module.
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
});
