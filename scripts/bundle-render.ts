// Bundles the code path of `gantry render` (cli/render.ts, kustomize/, and the yaml and zod packages it uses) into
// one CommonJS file, dist/cli/render.cjs, and the `gantry` executable that starts it, dist/cli/gantry.cjs. A render process then reads one file instead of a few hundred modules, and
// can reuse V8's compiled code from the previous run (cli/bundled-command.ts). Run by `npm run build` after tsc;
// `gantry render` from the sources (tsx) does not use it.
//   node --import tsx scripts/bundle-render.ts [--outfile FILE]   (default: dist/cli/render.cjs; gantry.cjs beside it)
import { build, type Plugin } from 'esbuild';
import { chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { outfile: { type: 'string' } } });
const outfile = values.outfile === undefined ? join(root, 'dist', 'cli', 'render.cjs') : resolve(values.outfile);

/**
 * The `yaml` package, loaded at its first use instead of when the bundle loads. kustomize-ts reads the common subset
 * of YAML itself (kustomize/yaml/common-yaml.ts) and hands the package only what falls outside it, so most renders
 * never use the package; loading it anyway cost a render process about 1 ms, and its module code made the
 * compiled-code cache larger. Every import of `yaml` in the bundle gets this stand-in: an object with one getter per
 * export of the package, the first of which loads the package (bundled as before).
 */
const lazyYaml: Plugin = {
  name: 'lazy-yaml',
  setup(bundler) {
    const exportNames = Object.keys(createRequire(join(root, 'package.json'))('yaml') as object);
    bundler.onResolve({ filter: /^yaml$/ }, (args) =>
      args.namespace === 'lazy-yaml' ? undefined : { path: 'yaml', namespace: 'lazy-yaml' },
    );
    bundler.onLoad({ filter: /.*/, namespace: 'lazy-yaml' }, () => ({
      contents: [
        'let yaml;',
        `for (const name of ${JSON.stringify(exportNames)}) {`,
        "  Object.defineProperty(exports, name, { enumerable: true, get: () => (yaml ??= require('yaml'))[name] });",
        '}',
      ].join('\n'),
      resolveDir: root,
      loader: 'js',
    }));
  },
};

await build({
  entryPoints: [join(root, 'cli', 'render.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  // CommonJS, because Node 20 can reuse compiled code only for a script (vm.Script's cachedData), not an ES module.
  format: 'cjs',
  target: 'node20',
  plugins: [lazyYaml],
  // Whitespace and syntax only; names stay, so messages and stack traces name what they named. A smaller file is
  // quicker to read into a string and makes a smaller code cache: loading the bundle went from about 4.9 to 3.5 ms
  // of a render process (725 kB → 502 kB).
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
/**
 * The first two lines of the `gantry` executable: a POSIX shell script that starts Node on itself, which Node reads as
 * JavaScript (a directive string and a comment). For `gantry render` the shell first unsets NODE_EXTRA_CA_CERTS: Node
 * 20 reads every certificate of that file before running any code (nodejs/node#40524; Node 22.23 and 24 only when TLS
 * is first used), 38 ms for the 144 of a Debian CA bundle, more than a whole render, and a render opens no connection
 * (kustomize-ts refuses remote bases).
 * Every other command keeps the variable: they talk to clusters, GitHub and AWS. `exec node` is the Node on PATH, as
 * `#!/usr/bin/env node` was, and `node dist/cli/gantry.cjs ...` skips the shell altogether.
 */
const LAUNCHER_PROLOGUE = [
  '#!/bin/sh',
  `':' //; case "$1" in render) unset NODE_EXTRA_CA_CERTS;; esac; exec node "$0" "$@"`,
].join('\n');

// The `gantry` executable beside it (cli/launch.ts): CommonJS too, so a render process never starts Node's ES module
// loader; the other commands' ES modules (main.js and what it imports) stay as tsc wrote them.
const launcher = join(dirname(outfile), 'gantry.cjs');
await build({
  entryPoints: [join(root, 'cli', 'launch.ts')],
  outfile: launcher,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['./main.js'],
  banner: { js: LAUNCHER_PROLOGUE },
  logLevel: 'warning',
});
chmodSync(launcher, 0o755);
