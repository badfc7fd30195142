// Fetches the public modules of public-roots.ts through the Go module proxy and records what the pinned kustomize
// CLI makes of each build root, in the gantry cache keyed by the CLI's version (run by setup; idempotent: a module
// already recorded is not fetched again).
//   node --import tsx test/kustomize/public-roots/fetch-roots.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binaryDirs } from '../../platform/paths.js';
import { readVersions } from '../../platform/versions.js';
import {
  findBuildRoots,
  PUBLIC_MODULES,
  PUBLIC_ROOTS_MANIFEST,
  publicRootsDir,
  readPublicRoots,
  type PublicRoot,
} from './public-roots.js';

const versions = readVersions();
const kustomize = join(binaryDirs(versions).kustomize, 'kustomize');
if (!existsSync(kustomize)) {
  throw new Error(
    `kustomize ${versions.KUSTOMIZE_VERSION} is not built; run: bash test/platform/bin/build-binaries.sh kustomize`,
  );
}
const target = publicRootsDir(versions.KUSTOMIZE_VERSION);
const known = readPublicRoots(versions.KUSTOMIZE_VERSION) ?? [];
const t0 = Date.now();
const roots: PublicRoot[] = [];
for (const { module, version } of PUBLIC_MODULES) {
  const recorded = known.filter((r) => r.module === module && r.version === version);
  if (
    recorded.length > 0 &&
    recorded.every((r) => existsSync(r.moduleDir) && existsSync(join(target, r.expectation)))
  ) {
    roots.push(...recorded);
    continue;
  }
  const { Dir: moduleDir } = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `${module}@${version}`], {
      encoding: 'utf8',
      // As the Go builds of setup: this machine's Go, never a toolchain a module asks for.
      env: { ...process.env, GOTOOLCHAIN: 'local' },
    }),
  ) as { Dir: string };
  for (const root of findBuildRoots(moduleDir)) {
    const cli = spawnSync(kustomize, ['build', join(moduleDir, root)], {
      encoding: 'utf8',
      maxBuffer: 256 * 2 ** 20,
      timeout: 120_000,
    });
    const expectation = join(
      `${module}@${version}`,
      root === '.' ? '_root' : root,
      cli.status === 0 ? 'expected.yaml' : 'expected-error.txt',
    );
    mkdirSync(join(target, expectation, '..'), { recursive: true });
    writeFileSync(join(target, expectation), cli.status === 0 ? cli.stdout : cli.stderr);
    roots.push({ module, version, moduleDir, root, expectation, cliFailed: cli.status !== 0 });
  }
}
mkdirSync(target, { recursive: true });
writeFileSync(join(target, PUBLIC_ROOTS_MANIFEST), `${JSON.stringify(roots, null, 2)}\n`);
process.stderr.write(
  `public build roots: ${roots.length} roots of ${PUBLIC_MODULES.length} modules in ${target} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`,
);
