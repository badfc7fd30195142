// Benchmark: a local build of catalog through the buildah builder (adapters/registry/) against `buildah bud` +
// `buildah push` of the same context by hand, cold (empty layer cache) and warm (one source file changed), side by
// side in one run.
//   npm run bench:build [-- --write]
// Starts only the platform's registry (with its base image). Each side has its own buildah storage, so the cold
// runs really are cold; the warm runs change src/items.js, as a source-only push would. The builder's overhead is
// what it adds around buildah: the registry check, unpacking the context tar, the process plumbing.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBuildahBuilder } from '../adapters/registry/index.js';
import { parseImageReference, manifestDigest } from '../adapters/registry/manifest-digest.js';
import { REPO_ROOT } from '../test/platform/paths.js';
import { startPlatform, stopPlatform } from '../test/platform/platform.js';
import { replaceSection } from './benchmarks-file.js';

const write = process.argv.includes('--write');
const load = loadavg()[0]!.toFixed(1);
const state = await startPlatform({ ownerPid: process.pid, parts: ['registry'], log: () => undefined });
const scratch = mkdtempSync(join(tmpdir(), 'gantry-bench-build-'));
try {
  const registry = state.registry!;
  const base = parseImageReference(registry.baseImage);
  const baseDigest = await manifestDigest({ host: registry.host, insecure: true }, base.repository, base.reference);
  const baseByDigest = `${base.host}/${base.repository}@${baseDigest}`;
  const builder = await createBuildahBuilder({
    registry: registry.host,
    insecure: true,
    baseImage: registry.baseImage,
    storageDir: join(scratch, 'builder'),
    concurrency: 1,
    buildah: 'buildah',
  });
  const handStorage = [
    '--root',
    join(scratch, 'hand', 'root'),
    '--runroot',
    join(scratch, 'hand', 'run'),
    '--storage-driver',
    'vfs',
  ];
  const env = { ...process.env, STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot' };

  /** A copy of apps/catalog, with items.js rewritten for the warm run. */
  const context = (name: string, items?: string): string => {
    const dir = join(scratch, name);
    cpSync(join(REPO_ROOT, 'apps', 'catalog'), dir, { recursive: true });
    if (items) writeFileSync(join(dir, 'src', 'items.js'), items);
    return dir;
  };
  const seconds = (t0: number) => (performance.now() - t0) / 1000;

  const viaBuilder = async (dir: string, tag: string) => {
    const tar = execFileSync('tar', ['-c', '-C', dir, '.'], { maxBuffer: 64 * 1024 * 1024 });
    const t0 = performance.now();
    await builder.build({
      app: 'catalog',
      repository: 'bench/catalog-builder',
      tag,
      context: () => Promise.resolve(tar),
      dockerfile: 'Dockerfile',
      buildArgs: {},
      timeoutMs: 1_800_000,
    });
    return seconds(t0);
  };
  const byHand = (dir: string, tag: string) => {
    const target = `${registry.host}/bench/catalog-hand:${tag}`;
    const t0 = performance.now();
    const opts = { env, stdio: 'ignore' as const };
    execFileSync(
      'buildah',
      [
        ...handStorage,
        'bud',
        '--layers',
        '--timestamp',
        '0',
        '--tls-verify=false',
        '--isolation',
        'chroot',
        '-t',
        target,
        '--build-arg',
        `BASE_IMAGE=${baseByDigest}`,
        dir,
      ],
      opts,
    );
    execFileSync('buildah', [...handStorage, 'push', '--tls-verify=false', target, `docker://${target}`], opts);
    return seconds(t0);
  };

  const rows: string[] = [];
  const cold = context('cold');
  const coldBuilder = await viaBuilder(cold, 'cold');
  const coldHand = byHand(cold, 'cold');
  process.stderr.write(`cold: builder ${coldBuilder.toFixed(1)} s, by hand ${coldHand.toFixed(1)} s\n`);
  rows.push(row('cold (empty layer cache, base pulled)', coldBuilder, coldHand));
  const warm = context(
    'warm',
    'export const items = [{ id: "sku-1", name: "bench", priceCents: 1, currency: "EUR" }];\n',
  );
  const warmHand = byHand(warm, 'warm');
  const warmBuilder = await viaBuilder(warm, 'warm');
  process.stderr.write(`warm: builder ${warmBuilder.toFixed(1)} s, by hand ${warmHand.toFixed(1)} s\n`);
  rows.push(row('warm (src/items.js changed)', warmBuilder, warmHand));

  const body = [
    `Command: \`npm run bench:build\` on ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}; load average ${load} when it started. Goal: the builder's overhead over buildah by hand ≤ 10 %.`,
    '',
    '| run | through the builder | `buildah bud` + `push` by hand | overhead |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
  process.stdout.write(`${body}\n`);
  if (write) replaceSection('Local image build: the buildah builder against buildah by hand', body);
} finally {
  await stopPlatform(state);
  rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
}

function row(name: string, builder: number, hand: number): string {
  const overhead = ((builder - hand) / hand) * 100;
  return `| ${name} | ${builder.toFixed(1)} s | ${hand.toFixed(1)} s | ${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)} % |`;
}
