import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isListening } from './ports.js';
import { ComponentStartError, isAlive, startComponent } from './supervise.js';
import { MissingToolError, requireCommand } from './tools.js';
import { startRedis } from './components/redis.js';

describe('a platform component that cannot start', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gantry-faults-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the missing tool and how to install it', async () => {
    expect(await requireCommand('redis-server', 'apt-get install redis-server')).toMatch(/\/redis-server$/);
    const err = await requireCommand('redis-server', 'apt-get install redis-server', { PATH: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingToolError);
    expect((err as Error).message).toContain('redis-server is not installed');
    expect((err as Error).message).toContain('apt-get install redis-server');
  });

  it('names the component, the command and the log when its binary does not exist', async () => {
    const err = await startComponent({
      name: 'kube-apiserver', command: join(dir, 'no-such-binary'), args: ['--secure-port=1'], logFile: join(dir, 'x.log'),
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
        name: 'redis', command: 'redis-server', args: ['--port', String(port), '--bind', '127.0.0.1', '--save', ''],
        logFile: join(dir, 'redis.log'), ready: async () => false, readyTimeoutMs: 10_000,
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
      name: 'sleeper', command: 'sleep', args: ['300'], logFile: join(dir, 'sleep.log'),
      ready: async () => false, readyTimeoutMs: 500,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('sleeper did not become ready within 1 s');
    // The process group was stopped: no `sleep 300` of ours is left.
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync('ps', ['-eo', 'pid,args']).toString();
    const pid = out.split('\n').filter((l) => l.includes('sleep 300')).map((l) => Number(l.trim().split(/\s+/)[0]))[0];
    expect(pid === undefined || !isAlive(pid)).toBe(true);
  });

  it('starts Redis on a free port of its own and stops it without leaving the port open', async () => {
    const { record, endpoint } = await startRedis(dir);
    expect(await isListening(endpoint.port)).toBe(true);
    const { stopProcessGroup } = await import('./supervise.js');
    await stopProcessGroup(record.pid);
    expect(isAlive(record.pid)).toBe(false);
    expect(await isListening(endpoint.port)).toBe(false);
  });
});
