import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('writes all of a large render through a pipe before it exits, and stops quietly when the reader goes away', () => {
    // Some 2,000 ConfigMaps: far more than a pipe's 64 KiB buffer, which a process exiting before its writes are
    // flushed would cut short.
    mkdirSync(join(work, 'big'));
    const names = Array.from({ length: 2000 }, (_, i) => `settings-${i}`);
    writeFileSync(join(work, 'big', 'kustomization.yaml'), 'resources:\n- cms.yaml\n');
    writeFileSync(
      join(work, 'big', 'cms.yaml'),
      names.map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\ndata:\n  LOG_LEVEL: info\n`).join('---\n'),
    );
    const expected = fromSources(['big']);
    expect(expected.out.length).toBeGreaterThan(100_000);
    const r = run(['render', 'big']);
    expect({ code: r.status, out: r.stdout, err: r.stderr }).toEqual(expected);
    // A reader that starts late: the pipe is full long before it reads, so output still buffered in the process
    // when it exits would be lost (a process.stdout of a pipe writes asynchronously on POSIX). The delay only makes
    // that loss likely; it cannot make a complete output fail.
    const late = spawnSync('sh', ['-c', `"${launcher}" render big | { sleep 0.5; cat; } > late.yaml`], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, GANTRY_CACHE: join(work, 'cache') },
    });
    expect(late.status).toBe(0);
    expect(readFileSync(join(work, 'late.yaml'), 'utf8')).toBe(expected.out);

    // `| head -c 100`: the reader closes the pipe after 100 bytes; the render ends quietly, with its own status.
    const cut = spawnSync('sh', ['-c', `{ "${launcher}" render big; echo "$?" > status; } | head -c 100 > /dev/null`], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, GANTRY_CACHE: join(work, 'cache') },
    });
    expect(cut.stderr).toBe('');
    expect(readFileSync(join(work, 'status'), 'utf8').trim()).toBe('0');
  });

  it('hands every other command to main.js beside it', () => {
    // Stands in for dist/cli/main.js (tsc's output, not built here): records the arguments it was started with.
    writeFileSync(join(work, 'main.js'), 'process.stdout.write(JSON.stringify(process.argv.slice(2)));\n');
    writeFileSync(join(work, 'package.json'), '{"type": "module"}\n');
    const r = run(['status', '--env', 'dev']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['status', '--env', 'dev']);
  });

  it('starts Node without NODE_EXTRA_CA_CERTS for a render only, and on Node from PATH', () => {
    // A `node` first on PATH that records the variable it was started with, then runs this Node.
    const bin = join(work, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'node'),
      `#!/bin/sh\nprintf '%s' "\${NODE_EXTRA_CA_CERTS-unset}" > "${join(work, 'seen')}"\nexec "${process.execPath}" "$@"\n`,
      { mode: 0o755 },
    );
    writeFileSync(join(work, 'main.js'), 'process.stdout.write(JSON.stringify(process.argv.slice(2)));\n');
    writeFileSync(join(work, 'package.json'), '{"type": "module"}\n');
    const certificates = join(work, 'no-such-bundle.pem');
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, NODE_EXTRA_CA_CERTS: certificates };
    const seen = () => readFileSync(join(work, 'seen'), 'utf8');

    // Node 20 would warn on stderr that it cannot load the missing bundle, before running any code.
    const render = spawnSync(launcher, ['render', 'app'], { cwd: work, encoding: 'utf8', env });
    expect({ code: render.status, out: render.stdout, err: render.stderr }).toEqual(fromSources(['app']));
    expect(seen()).toBe('unset');

    const status = spawnSync(launcher, ['status', '--env', 'dev'], { cwd: work, encoding: 'utf8', env });
    expect(JSON.parse(status.stdout)).toEqual(['status', '--env', 'dev']);
    expect(seen()).toBe(certificates);
  });
});
