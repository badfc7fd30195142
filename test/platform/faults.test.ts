import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { binaryDirs } from './paths.js';
import { startPlatform } from './platform.js';
import { isListening } from './ports.js';
import { ComponentStartError, isAlive, startComponent } from './supervise.js';
import { MissingToolError, requireCommand } from './tools.js';
import { startRedis } from './components/redis.js';
import { installFakeGo } from './support/fake-go.js';
import { readVersions } from './versions.js';

const BUILD = fileURLToPath(new URL('./bin/build-binaries.sh', import.meta.url));

describe('a platform component that cannot start', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gantry-faults-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the missing tool and how to install it', async () => {
    expect(await requireCommand('redis-server', 'apt-get install redis-server')).toMatch(/\/redis-server$/);
    const err = await requireCommand('redis-server', 'apt-get install redis-server', { PATH: dir }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MissingToolError);
    expect((err as Error).message).toContain('redis-server is not installed');
    expect((err as Error).message).toContain('apt-get install redis-server');
  });

  it('names the component, the command and the log when its binary does not exist', async () => {
    const err = await startComponent({
      name: 'kube-apiserver',
      command: join(dir, 'no-such-binary'),
      args: ['--secure-port=1'],
      logFile: join(dir, 'x.log'),
      ready: async () => false,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComponentStartError);
    const message = (err as Error).message;
    expect(message).toContain('kube-apiserver could not start');
    expect(message).toContain('no-such-binary --secure-port=1');
    expect(message).toContain(join(dir, 'x.log'));
  });

  it('reports a port that is already taken, with the log, and leaves no process behind', async () => {
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const err = await startComponent({
        name: 'redis',
        command: 'redis-server',
        args: ['--port', String(port), '--bind', '127.0.0.1', '--save', ''],
        logFile: join(dir, 'redis.log'),
        ready: async () => false,
        readyTimeoutMs: 10_000,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ComponentStartError);
      expect((err as Error).message).toMatch(/redis exited before it was ready/);
      expect((err as Error).message).toContain('the port is taken');
      expect((err as Error).message).toContain(join(dir, 'redis.log'));
    } finally {
      server.close();
    }
  });

  it('stops a component that does not become ready within its deadline', async () => {
    const err = await startComponent({
      name: 'sleeper',
      command: 'sleep',
      args: ['300'],
      logFile: join(dir, 'sleep.log'),
      ready: async () => false,
      readyTimeoutMs: 500,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('sleeper did not become ready within 1 s');
    // The process group was stopped: no process of ours is left. Ours are those running in this test's directory
    // (startComponent runs a component beside its log); a `sleep 300` of anything else on the machine is not.
    const ours = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => {
        try {
          return readlinkSync(`/proc/${pid}/cwd`) === dir && isAlive(pid);
        } catch {
          return false; // gone, a zombie, or not ours to read
        }
      });
    expect(ours).toEqual([]);
  });

  it('starts Redis on a free port of its own and stops it without leaving the port open', async () => {
    const { record, endpoint } = await startRedis(dir);
    expect(await isListening(endpoint.port)).toBe(true);
    const { stopProcessGroup } = await import('./supervise.js');
    await stopProcessGroup(record.pid);
    expect(isAlive(record.pid)).toBe(false);
    expect(await isListening(endpoint.port)).toBe(false);
  });

  it('stops the components already running when a later one fails to start, naming the one that failed', async () => {
    // A moto virtualenv whose server exits at once (a broken install), in a cache of this test's own.
    const env: NodeJS.ProcessEnv = { ...process.env, GANTRY_CACHE: join(dir, 'cache'), GANTRY_STATE_ROOT: dir };
    delete env.GANTRY_REDIS_URL;
    const motoServer = join(binaryDirs(readVersions(), env).motoVenv, 'bin', 'moto_server');
    mkdirSync(join(motoServer, '..'), { recursive: true });
    writeFileSync(motoServer, '#!/bin/sh\necho "fake moto_server: broken virtualenv" >&2\nexit 3\n');
    chmodSync(motoServer, 0o755);

    const lines: string[] = [];
    const err = await startPlatform({ parts: ['redis', 'aws'], env, log: (line) => lines.push(line) }).catch(
      (e: unknown) => e,
    );
    const message = (err as Error).message;
    expect(message).toContain('moto exited before it was ready (exit code 3)');
    expect(message).toContain(`command: ${motoServer} -H 127.0.0.1`);
    expect(message).toMatch(/log: \S+\/moto\.log/);
    expect(message).toContain('fake moto_server: broken virtualenv');

    // Redis had started (its pid is in the progress lines) and was stopped again, port and all.
    const redisPid = Number(/redis ready after .* \(pid (\d+)\)/.exec(lines.join('\n'))?.[1]);
    expect(redisPid).toBeGreaterThan(0);
    expect(isAlive(redisPid)).toBe(false);
    expect(lines).toContain('start failed; stopping the 1 component(s) already running');
  });

  it('stops etcd when the PKI it starts beside fails', async () => {
    // An openssl that refuses to work, first in PATH; etcd starts from the cache at the same time.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'openssl'), '#!/bin/sh\necho "fake openssl: no entropy today" >&2\nexit 1\n');
    chmodSync(join(bin, 'openssl'), 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, GANTRY_STATE_ROOT: dir };
    delete env.GANTRY_KUBECONFIG;

    const lines: string[] = [];
    const err = await startPlatform({ parts: ['kubernetes'], env, log: (line) => lines.push(line) }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toContain('fake openssl: no entropy today');
    // etcd became ready after the PKI had failed, and was stopped with the failed start, not left running.
    const etcdPid = Number(/etcd ready after .* \(pid (\d+)\)/.exec(lines.join('\n'))?.[1]);
    expect(etcdPid).toBeGreaterThan(0);
    expect(isAlive(etcdPid)).toBe(false);
    expect(lines).toContain('start failed; stopping the 1 component(s) already running');
  });

  it('stops the controllers that started beside kwok when kwok fails to start in the same wave', async () => {
    // A kwok that exits at once, taken from KUBEBUILDER_ASSETS; every other binary from the cache.
    const assets = join(dir, 'assets');
    mkdirSync(assets);
    writeFileSync(join(assets, 'kwok'), '#!/bin/sh\necho "fake kwok: refuses its config" >&2\nexit 3\n');
    chmodSync(join(assets, 'kwok'), 0o755);
    const env: NodeJS.ProcessEnv = { ...process.env, KUBEBUILDER_ASSETS: assets, GANTRY_STATE_ROOT: dir };
    delete env.GANTRY_KUBECONFIG;

    const lines: string[] = [];
    const err = await startPlatform({ parts: ['kubernetes'], env, log: (line) => lines.push(line) }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toContain('kwok exited before it was ready (exit code 3)');
    const pidOf = (name: string) => Number(new RegExp(`${name} ready after .* \\(pid (\\d+)\\)`).exec(lines.join('\n'))?.[1]);
    for (const name of ['kube-controller-manager', 'kube-scheduler', 'kube-apiserver', 'etcd']) {
      expect(pidOf(name)).toBeGreaterThan(0);
      expect(isAlive(pidOf(name))).toBe(false);
    }
  });

  it('names the component, "failed" and the build log when a build step fails, and publishes nothing', async () => {
    const go = installFakeGo(dir);
    const cache = join(dir, 'cache');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GANTRY_CACHE: cache,
      PATH: `${go.binDir}:${process.env.PATH ?? ''}`,
    };
    delete env.KUBEBUILDER_ASSETS;

    const err = await promisify(execFile)('bash', [BUILD, 'etcd'], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((err as { code: number }).code).toBe(1);
    const stderr = (err as { stderr: string }).stderr;
    const buildLog = /(\S+\/build-etcd\.\w+\/build\.log)/.exec(stderr)?.[1];
    expect(stderr).toContain(`etcd ${readVersions().ETCD_VERSION} build failed; last lines of ${buildLog}`);
    // The log is kept for reading and holds what the failing command said.
    expect(readFileSync(buildLog!, 'utf8')).toContain('fake go: get failed');
    expect(stderr).toContain('fake go: get failed');
    expect(existsSync(join(cache, 'bin', `etcd-${readVersions().ETCD_VERSION}`))).toBe(false);
    expect(readdirSync(join(cache, 'bin'))).toEqual([]);
  });
});
