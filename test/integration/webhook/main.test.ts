import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { buildPushPayload, deliverWebhook } from '../../platform/github-emulator/index.js';
import { openRedisKit, sha, waitFor, type RedisKit } from '../queue/queue-test-kit.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SECRET = 'main-test-secret-value';

/** Runs `webhook/main.ts` with the given environment and collects its output. */
function runMain(env: Record<string, string>): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'webhook/main.ts'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { child, stdout: () => out, stderr: () => err };
}

const exitOf = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe('webhook/main.ts', () => {
  let kit: RedisKit;
  beforeAll(async () => {
    kit = await openRedisKit('webhook-main');
  });
  afterAll(() => kit.cleanup());

  it('serves deliveries and health on PORT, logs JSON lines without the secret, and stops cleanly on SIGTERM', async () => {
    const run = runMain({ GANTRY_WEBHOOK_SECRET: SECRET, GANTRY_REDIS_URL: kit.url, PORT: '0', GANTRY_QUEUE_PREFIX: kit.prefix.slice(1, -1) });
    try {
      const listening = await waitFor('the listening line', () => run.stdout().split('\n').find((line) => line.includes('"listening"')), 30_000);
      const base = `http://127.0.0.1:${(JSON.parse(listening) as { port: number }).port}`;

      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      // Ready once Redis answers: right after start (and on a loaded machine) the first PING may not be answered
      // yet, so poll readiness as a load balancer does instead of reading it once.
      expect(await waitFor('readyz 200', async () => ((await fetch(`${base}/readyz`)).status === 200 ? 200 : undefined), 30_000)).toBe(200);
      const payload = buildPushPayload({ repository: { owner: 'octo-org', name: 'shop' }, ref: 'refs/heads/main', before: sha(1), after: sha(2) });
      expect((await deliverWebhook({ url: `${base}/webhooks/github`, secret: SECRET, event: 'push', payload })).status).toBe(202);

      run.child.kill('SIGTERM');
      expect(await exitOf(run.child)).toBe(0);
      expect(run.stdout()).toContain('"msg":"stopped"');
      expect(run.stdout() + run.stderr()).not.toContain(SECRET);
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  });

  it('with GANTRY_WEBHOOK_WORKERS=2, serves from two worker processes on one port and stops them all on SIGTERM', async () => {
    const run = runMain({ GANTRY_WEBHOOK_SECRET: SECRET, GANTRY_REDIS_URL: kit.url, PORT: '0', GANTRY_QUEUE_PREFIX: kit.prefix.slice(1, -1), GANTRY_WEBHOOK_WORKERS: '2' });
    try {
      const listening = await waitFor('two listening lines', () => {
        const lines = run.stdout().split('\n').filter((line) => line.includes('"listening"'));
        return lines.length === 2 ? lines.map((line) => JSON.parse(line) as { pid: number; port: number }) : undefined;
      }, 30_000);
      const [first, second] = listening;
      expect(first?.port).toBe(second?.port);
      expect(new Set([run.child.pid, first?.pid, second?.pid]).size).toBe(3);
      const base = `http://127.0.0.1:${first?.port}`;
      expect(await waitFor('readyz 200', async () => ((await fetch(`${base}/readyz`)).status === 200 ? 200 : undefined), 30_000)).toBe(200);
      // Each delivery on its own connection: the primary hands connections to the workers in turn.
      const statuses = await Promise.all(
        [3, 4, 5, 6].map(async (n) => {
          const payload = buildPushPayload({ repository: { owner: 'octo-org', name: 'shop' }, ref: 'refs/heads/main', before: sha(n), after: sha(n + 10) });
          return (await deliverWebhook({ url: `${base}/webhooks/github`, secret: SECRET, event: 'push', payload })).status;
        }),
      );
      expect(statuses).toEqual([202, 202, 202, 202]);
      const served = new Set(
        run.stdout().split('\n').filter((line) => line.includes('accepted: plan job stored')).map((line) => (JSON.parse(line) as { pid: number }).pid),
      );
      expect(served.size).toBe(2);

      run.child.kill('SIGTERM');
      expect(await exitOf(run.child)).toBe(0);
      const stopped = run.stdout().split('\n').filter((line) => line.includes('"msg":"stopped"'));
      expect(stopped).toHaveLength(3);
      for (const { pid } of listening) expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    }
  });

  it('refuses to start without a secret, saying which variable to set', async () => {
    const run = runMain({ PORT: '0' });

    expect(await exitOf(run.child)).toBe(2);
    expect(run.stderr()).toContain('GANTRY_WEBHOOK_SECRET is required');
  });
});
