import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
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

/**
 * The processes (pid and command line) that belong to a platform's state directory, as the watchdog's sweep sees
 * them: working directory inside it (every component runs there) or command line naming it (the watchdog).
 */
function processesOf(stateDir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`); // "<dir> (deleted)" once the state dir is removed
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (cwd.startsWith(stateDir) || args.includes(stateDir)) found.push(`${pid} ${args}`);
    } catch {
      /* gone, or not ours to read */
    }
  }
  return found;
}

describe('platform up | status | down', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-lifecycle-'));
    // This test is about the platform's own processes: never an existing Redis. An existing cluster
    // (GANTRY_KUBECONFIG) is kept, since setup then builds no control plane: there are simply fewer processes.
    env = { ...process.env, GANTRY_PLATFORM_FILE: join(dir, 'platform.json') };
    delete env.GANTRY_REDIS_URL;
  });
  afterAll(async () => {
    // If an assertion failed half-way, still stop what the CLI started.
    if (existsSync(join(dir, 'platform.json')))
      await run(process.execPath, ['--import', 'tsx', CLI, 'down'], { env }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts every component, reports them running, and stops them leaving no process and no port behind', async () => {
    const up = await run(process.execPath, ['--import', 'tsx', CLI, 'up'], { env, timeout: 180_000 });
    expect(up.stdout).toContain('export KUBECONFIG=');
    const state = readState(join(dir, 'platform.json'));
    const names = state.components.map((c) => c.name).sort();
    const controlPlane = env.GANTRY_KUBECONFIG
      ? []
      : [
          'etcd',
          'kube-apiserver',
          'kube-controller-manager',
          'kube-scheduler',
          'kwok',
          'load-balancer-controller',
          'gateway-route-stand-in',
        ];
    // Strict images (on unless GANTRY_STRICT_IMAGES=0) add the image gate to a control plane of our own.
    if (!env.GANTRY_KUBECONFIG && env.GANTRY_STRICT_IMAGES !== '0') controlPlane.push('image-gate');
    expect(names).toEqual([...controlPlane, 'github-emulator', 'moto', 'prometheus', 'pushgateway', 'redis', 'registry'].sort());
    expect(state.components.every((c) => isAlive(c.pid))).toBe(true);
    expect((await openPorts(state)).length).toBeGreaterThanOrEqual(state.components.length);
    // The start was guarded by a watchdog bound to the CLI. Released once the state was written, it goes away by
    // itself (after its own start-up, slow on a loaded machine, and one 500 ms poll), and the platform stays up.
    const watchdogs = () => processesOf(state.stateDir).filter((l) => l.includes('watchdog'));
    const deadline = Date.now() + 20_000;
    while (watchdogs().length > 0 && Date.now() < deadline) await sleep(250);
    expect(watchdogs()).toEqual([]);
    expect(state.components.filter((c) => !isAlive(c.pid))).toEqual([]);

    const status = await run(process.execPath, ['--import', 'tsx', CLI, 'status'], { env });
    expect(status.stdout).toMatch(/redis\s+\d+\s+running/);
    expect(status.stdout).not.toContain('STOPPED');

    const down = await run(process.execPath, ['--import', 'tsx', CLI, 'down'], { env, timeout: 60_000 });
    expect(down.stdout).toContain(`stopped ${state.components.length} component(s)`);
    expect(state.components.filter((c) => isAlive(c.pid))).toEqual([]);
    expect(await openPorts(state)).toEqual([]);
    expect(existsSync(state.stateDir)).toBe(false);
  });

  /** Starts support/own-platform.ts and resolves once a stdout line matches `until`. */
  function startOwner(
    parts: string,
    until: RegExp,
  ): Promise<{ owner: ReturnType<typeof spawn>; match: RegExpExecArray }> {
    const owner = spawn(process.execPath, ['--import', 'tsx', OWNER, parts], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
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
    // Kill the owner as soon as etcd is up: kube-apiserver is then starting and not yet in the state file. With an
    // existing cluster there is no control plane to start: then Redis is up (milliseconds) while moto (a Python
    // server, about a second) is still starting.
    const [parts, firstUp] = env.GANTRY_KUBECONFIG ? ['redis,aws', 'redis'] : ['kubernetes', 'etcd'];
    const { owner, match } = await startOwner(parts, new RegExp(`state and logs in (\\S+)[\\s\\S]*${firstUp} ready`));
    const stateDir = match[1]!;
    owner.kill('SIGKILL');
    const ours = () => processesOf(stateDir).filter((l) => !l.includes('watchdog'));
    const deadline = Date.now() + 30_000;
    while (ours().length > 0 && Date.now() < deadline) await sleep(250);
    expect(ours()).toEqual([]);
  });

  it('stops what `platform up` had started when it is interrupted (Ctrl-C) before the platform is up', async () => {
    const cli = spawn(process.execPath, ['--import', 'tsx', CLI, 'up'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    // As in the test above: interrupt once the first component is ready and others are still starting.
    const firstUp = env.GANTRY_KUBECONFIG ? 'redis' : 'etcd';
    const stateDir = await new Promise<string>((resolve, reject) => {
      let err = '';
      cli.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const match = new RegExp(`state and logs in (\\S+)[\\s\\S]*${firstUp} ready`).exec(err);
        if (match) resolve(match[1]!);
      });
      cli.once('exit', (code) => reject(new Error(`platform up exited early (${code}): ${err}`)));
    });
    cli.kill('SIGINT');
    // Everything stops, and then the watchdog itself is gone too.
    const deadline = Date.now() + 30_000;
    while (processesOf(stateDir).length > 0 && Date.now() < deadline) await sleep(250);
    expect(processesOf(stateDir)).toEqual([]);
    expect(existsSync(join(dir, 'platform.json'))).toBe(false);
  });
});
