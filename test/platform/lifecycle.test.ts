import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isListening } from './ports.js';
import { readState, type PlatformState } from './state.js';
import { isAlive } from './supervise.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const OWNER = fileURLToPath(new URL('./support/own-platform.ts', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openPorts(state: PlatformState): Promise<number[]> {
  const ports = state.components.flatMap((c) => c.ports);
  const open = await Promise.all(ports.map(async (p) => ((await isListening(p)) ? p : undefined)));
  return open.filter((p): p is number => p !== undefined);
}

describe('platform up | status | down', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-lifecycle-'));
    // This test is about the platform's own processes: never an existing Redis or cluster.
    env = { ...process.env, GANTRY_PLATFORM_FILE: join(dir, 'platform.json') };
    delete env.GANTRY_REDIS_URL;
    delete env.GANTRY_KUBECONFIG;
  });
  afterAll(async () => {
    // If an assertion failed half-way, still stop what the CLI started.
    if (existsSync(join(dir, 'platform.json'))) await run(process.execPath, ['--import', 'tsx', CLI, 'down'], { env }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts every component, reports them running, and stops them leaving no process and no port behind', async () => {
    const up = await run(process.execPath, ['--import', 'tsx', CLI, 'up'], { env, timeout: 180_000 });
    expect(up.stdout).toContain('export KUBECONFIG=');
    const state = readState(join(dir, 'platform.json'));
    const names = state.components.map((c) => c.name).sort();
    expect(names).toEqual(['etcd', 'github-emulator', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'moto', 'redis', 'registry']);
    expect(state.components.every((c) => isAlive(c.pid))).toBe(true);
    expect((await openPorts(state)).length).toBeGreaterThanOrEqual(state.components.length);

    const status = await run(process.execPath, ['--import', 'tsx', CLI, 'status'], { env });
    expect(status.stdout).toMatch(/kube-apiserver\s+\d+\s+running/);
    expect(status.stdout).not.toContain('STOPPED');

    const down = await run(process.execPath, ['--import', 'tsx', CLI, 'down'], { env, timeout: 60_000 });
    expect(down.stdout).toContain(`stopped ${state.components.length} component(s)`);
    expect(state.components.filter((c) => isAlive(c.pid))).toEqual([]);
    expect(await openPorts(state)).toEqual([]);
    expect(existsSync(state.stateDir)).toBe(false);
  });

  /** Starts support/own-platform.ts and resolves once a stdout line matches `until`. */
  function startOwner(parts: string, until: RegExp): Promise<{ owner: ReturnType<typeof spawn>; match: RegExpExecArray }> {
    const owner = spawn(process.execPath, ['--import', 'tsx', OWNER, parts], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise((resolve, reject) => {
      let out = '';
      owner.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const match = until.exec(out);
        if (match) resolve({ owner, match });
      });
      owner.once('exit', (code) => reject(new Error(`owner exited early (${code}): ${out}`)));
    });
  }

  it('stops a platform whose owner was killed with SIGKILL (an interrupted test run)', async () => {
    const { owner, match } = await startOwner('redis,registry,github', /^state (\S+)$/m);
    const state = readState(match[1]!);
    expect(state.components.map((c) => c.name).sort()).toEqual(['github-emulator', 'redis', 'registry']);
    expect(state.components.every((c) => isAlive(c.pid))).toBe(true);

    owner.kill('SIGKILL');
    const deadline = Date.now() + 20_000;
    while (state.components.some((c) => isAlive(c.pid)) && Date.now() < deadline) await sleep(200);
    expect(state.components.filter((c) => isAlive(c.pid)).map((c) => c.name)).toEqual([]);
    expect(await openPorts(state)).toEqual([]);
  });

  it('also stops a component that was still starting when the owner was killed', async () => {
    // Kill the owner as soon as etcd is up: kube-apiserver is then starting and not yet in the state file.
    const { owner, match } = await startOwner('kubernetes', /state and logs in (\S+)[\s\S]*etcd ready/);
    const stateDir = match[1]!;
    owner.kill('SIGKILL');
    const ours = () => {
      return execFileSync('ps', ['-eo', 'pid=,args=']).toString().split('\n').filter((l) => l.includes(stateDir) && !l.includes('watchdog'));
    };
    const deadline = Date.now() + 30_000;
    while (ours().length > 0 && Date.now() < deadline) await sleep(250);
    expect(ours()).toEqual([]);
  });
});
