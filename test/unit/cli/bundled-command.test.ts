import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle } from '../../../cli/bundled-command.js';
import type { CommandIo } from '../../../cli/command-io.js';
import { runRender } from '../../../cli/render.js';

function capture(cwd: string): CommandIo & { out: string; err: string } {
  const io = { out: '', err: '', cwd, stdout: (t: string) => (io.out += t), stderr: (t: string) => (io.err += t) };
  return io;
}

// The bundle `npm run build` makes for `gantry render` (scripts/bundle-render.ts), loaded with its compiled code
// cached between runs: it must render what the sources render, and a cache must never outlive the code it was made from.
describe('the bundled render command and its code cache', () => {
  let work: string;
  let bundle: string;
  let cacheDir: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'gantry-bundle-'));
    bundle = join(work, 'render.cjs');
    cacheDir = join(work, 'cache');
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bundle-render.ts', '--outfile', bundle]);
    mkdirSync(join(work, 'app'));
    writeFileSync(join(work, 'app', 'kustomization.yaml'), 'namePrefix: dev-\nresources:\n- cm.yaml\n');
    writeFileSync(join(work, 'app', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n');
    // Outside the common subset kustomize-ts reads itself: a tag, a merge key, a quoted scalar continued at the key's
    // column. The bundle loads the yaml package for these at first use (scripts/bundle-render.ts).
    mkdirSync(join(work, 'uncommon'));
    writeFileSync(join(work, 'uncommon', 'kustomization.yaml'), 'resources:\n- cm.yaml\n');
    writeFileSync(
      join(work, 'uncommon', 'cm.yaml'),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\n  labels:\n    a: !!str 5\ndata:\n  text: 'a long\n  text'\n  base: &b {x: '1'}\n  <<: *b\n",
    );
  }, 60_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const cacheFiles = () => {
    try {
      return readdirSync(cacheDir);
    } catch {
      return [];
    }
  };

  it('renders byte for byte what the sources render, and errors the same way', async () => {
    const fromSources = capture(work);
    expect(runRender(['app'], fromSources)).toBe(0);
    const bundled = capture(work);
    expect(await loadBundle(bundle, 'runRender', cacheDir).command(['app'], bundled)).toBe(0);
    expect(bundled.out).toBe(fromSources.out);
    expect(bundled.out).toContain('name: dev-settings');

    const failing = capture(work);
    expect(await loadBundle(bundle, 'runRender', cacheDir).command(['missing'], failing)).toBe(1);
    const failingFromSources = capture(work);
    expect(runRender(['missing'], failingFromSources)).toBe(1);
    expect(failing.err).toBe(failingFromSources.err);
    expect(failing.out).toBe('');
  });

  it('renders YAML outside the common subset as the sources do, loading the yaml package when it is needed', async () => {
    const fromSources = capture(work);
    expect(runRender(['uncommon'], fromSources)).toBe(0);
    const bundled = capture(work);
    expect(await loadBundle(bundle, 'runRender', cacheDir).command(['uncommon'], bundled)).toBe(0);
    expect(bundled.out).toBe(fromSources.out);
    expect(bundled.out).toContain('text: a long text\n  x: "1"\n');
    expect(bundled.out).toContain('a: "5"');
  });

  it('writes the V8 cache after the first run, reuses it, and replaces it when the bundle changes', async () => {
    rmSync(cacheDir, { recursive: true, force: true });
    const first = loadBundle(bundle, 'runRender', cacheDir);
    expect(first.cache).toBe('miss');
    expect(cacheFiles()).toEqual([]);
    await first.command(['app'], capture(work));
    const written = cacheFiles();
    expect(written).toHaveLength(1);

    const second = loadBundle(bundle, 'runRender', cacheDir);
    expect(second.cache).toBe('hit');
    const io = capture(work);
    expect(await second.command(['app'], io)).toBe(0);
    expect(io.out).toContain('name: dev-settings');
    expect(cacheFiles()).toEqual(written);

    // Another Node release's cache of the same bundle stays: switching releases must not make every run a miss.
    const otherRelease = 'render.cjs-v99.0.0-x64-1-2-3.v8';
    writeFileSync(join(cacheDir, otherRelease), 'not V8 data of this release');
    appendFileSync(bundle, '\n// rebuilt\n');
    const rebuilt = loadBundle(bundle, 'runRender', cacheDir);
    expect(rebuilt.cache).toBe('miss');
    await rebuilt.command(['app'], capture(work));
    const after = cacheFiles().filter((name) => name !== otherRelease);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(written);
    expect(cacheFiles()).toContain(otherRelease);
  });

  it('still renders when the cache cannot be written', async () => {
    const blocked = join(work, 'not-a-directory');
    writeFileSync(blocked, '');
    const { command } = loadBundle(bundle, 'runRender', join(blocked, 'cache'));
    const io = capture(work);
    expect(await command(['app'], io)).toBe(0);
    expect(io.out).toContain('name: dev-settings');
  });
});
