import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandIo } from '../../../cli/command-io.js';
import { runRender } from '../../../cli/render.js';

// The `gantry` executable as installed (dist/cli/gantry.cjs, made by scripts/bundle-render.ts from cli/launch.ts):
// `gantry render` runs the render bundle beside it; any other command is handed to the ES module main.js beside it.
describe('the gantry launcher', () => {
  let work: string;
  let launcher: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'gantry-launch-'));
    execFileSync(process.execPath, [
      '--import',
      'tsx',
      'scripts/bundle-render.ts',
      '--outfile',
      join(work, 'render.cjs'),
    ]);
    launcher = join(work, 'gantry.cjs');
    mkdirSync(join(work, 'app'));
    writeFileSync(join(work, 'app', 'kustomization.yaml'), 'namePrefix: dev-\nresources:\n- cm.yaml\n');
    writeFileSync(join(work, 'app', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n');
  }, 60_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const run = (args: string[]) =>
    spawnSync(launcher, args, {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, GANTRY_CACHE: join(work, 'cache') },
    });

  function fromSources(args: string[]): { code: number; out: string; err: string } {
    const io: CommandIo & { out: string; err: string } = {
      out: '',
      err: '',
      cwd: work,
      stdout: (t) => (io.out += t),
      stderr: (t) => (io.err += t),
    };
    const code = runRender(args, io) as number;
    return { code, out: io.out, err: io.err };
  }

  it('renders through the bundle what the sources render, and fails the same way', () => {
    for (const args of [['app'], ['missing']]) {
      const expected = fromSources(args);
      const r = run(['render', ...args]);
      expect({ code: r.status, out: r.stdout, err: r.stderr }).toEqual(expected);
    }
    expect(run(['render', 'app']).stdout).toContain('name: dev-settings');
  });

  it('hands every other command to main.js beside it', () => {
    // Stands in for dist/cli/main.js (tsc's output, not built here): records the arguments it was started with.
    writeFileSync(join(work, 'main.js'), 'process.stdout.write(JSON.stringify(process.argv.slice(2)));\n');
    writeFileSync(join(work, 'package.json'), '{"type": "module"}\n');
    const r = run(['status', '--env', 'dev']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['status', '--env', 'dev']);
  });
});
